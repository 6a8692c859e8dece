/**
 * The `browser` tool of a sandboxed session, through a real gateway and the fake model: with
 * `agents.defaults.sandbox.browser.enabled` it runs Chromium in a sandbox browser container
 * (`openclaw-sbx-browser-…`, `--network none`) reached through a `docker exec` relay, opens a
 * page the test wrote into the workspace (`file:///workspace/…`, the mounted workspace: the
 * container has no network) and the model gets its title — and the host's Chromium is never
 * launched. With the sandbox browser disabled (the default) the tool refuses, naming the key.
 *
 * The container test needs docker and the offline image `openclaw-test-browser:local`
 * (scripts/sandbox/build-test-browser-image.sh, run by scripts/ci/prepare.sh): without either it
 * is ignored with the reason on stderr, unless OPENCLAW_TEST_REQUIRE lists `docker`.
 *
 * @module
 */
import assert from "node:assert/strict";
import { listSandboxBrowsers, recreateSandboxBrowsers } from "../../lib/sandbox/browser_manage.ts";
import { startFakeProvider } from "../fixtures/fake_providers/mod.ts";
import { dockerRequired, dockerUnavailableReason } from "../fixtures/docker.ts";
import { makeSandbox, runCli, type Sandbox, startGateway, writeFile } from "../helpers.ts";
import { AGENT_TEST_TOKEN } from "./_agent_setup.ts";

/** The image scripts/sandbox/build-test-browser-image.sh builds from the host's chromium. */
const BROWSER_IMAGE = "openclaw-test-browser:local";

async function imageMissingReason(): Promise<string | undefined> {
  const docker = await dockerUnavailableReason();
  if (docker) return docker;
  const r = await new Deno.Command("docker", {
    args: ["image", "inspect", "--format", "{{.Id}}", BROWSER_IMAGE],
    stdout: "null",
    stderr: "null",
  }).output();
  return r.code === 0
    ? undefined
    : `image ${BROWSER_IMAGE} is missing (bash scripts/sandbox/build-test-browser-image.sh)`;
}

const SKIP_REASON = await imageMissingReason();
if (SKIP_REASON && !dockerRequired()) {
  console.error(
    `sandbox_browser_test: container test ignored: ${SKIP_REASON} ` +
      "(set OPENCLAW_TEST_REQUIRE=docker to fail)",
  );
}

async function docker(...args: string[]): Promise<{ code: number; out: string }> {
  const o = await new Deno.Command("docker", { args, stdout: "piped", stderr: "piped" }).output();
  const dec = new TextDecoder();
  return { code: o.code, out: (dec.decode(o.stdout) + dec.decode(o.stderr)).trim() };
}

async function removeContainers(prefix: string): Promise<void> {
  const ids = (await docker("ps", "-aq", "--filter", `name=^${prefix}`)).out.split("\n")
    .filter(Boolean);
  if (ids.length) await docker("rm", "-f", ...ids);
}

/** A gateway config: the fake model, every session sandboxed, `browser` allowed there. */
function config(fakeBaseUrl: string, workspace: string, browser?: Record<string, unknown>) {
  return {
    gateway: { mode: "local", auth: { mode: "token", token: AGENT_TEST_TOKEN } },
    models: {
      mode: "replace",
      providers: {
        fake: {
          baseUrl: fakeBaseUrl,
          api: "openai-completions",
          apiKey: "x",
          models: [{ id: "m1" }],
        },
      },
    },
    agents: {
      defaults: {
        model: "fake/m1",
        workspace,
        sandbox: {
          mode: "all" as const,
          workspaceAccess: "rw" as const,
          ...(browser ? { browser } : {}),
        },
      },
    },
    // The sandbox tool policy denies browser by default.
    tools: { sandbox: { tools: { allow: ["browser"], deny: [] } } },
  };
}

/** The tool messages the model was sent in request `i`. */
function toolMessages(fake: { requests: { body: Record<string, unknown> }[] }, i: number) {
  return (fake.requests[i].body.messages as { role: string; content: string }[])
    .filter((m) => m.role === "tool").map((m) => String(m.content));
}

/** Host processes whose command line mentions `text` and matches `kind` (default: Chromium). */
function hostProcessesMentioning(text: string, kind = /chrom/i): string[] {
  const out: string[] = [];
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const cmd = Deno.readTextFileSync(`/proc/${e.name}/cmdline`).replaceAll("\0", " ");
      if (cmd.includes(text) && kind.test(cmd)) out.push(cmd);
    } catch { /* gone meanwhile */ }
  }
  return out;
}

async function agentTurn(sb: Sandbox, message: string) {
  const r = await runCli(sb, ["agent", "--message", message, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.status, "ok", r.stdout);
  return out as { result: { meta: { toolCalls: { name: string; isError?: boolean }[] } } };
}

type FakeModel = Awaited<ReturnType<typeof startFakeProvider>>;

/**
 * One agent turn in which the model calls the browser tool once with `args` and then answers
 * `reply`: the tool calls' outcomes and what the tool returned to the model.
 */
async function browserToolTurn(
  sb: Sandbox,
  fake: FakeModel,
  args: Record<string, unknown>,
  message: string,
  reply: string,
) {
  fake.enqueue({ toolCalls: [{ id: "c1", name: "browser", args }] }, { text: reply });
  const out = await agentTurn(sb, message);
  return {
    out,
    calls: out.result.meta.toolCalls.map((c) => [c.name, c.isError ?? false]),
    result: toolMessages(fake, 1).at(-1)!,
  };
}

Deno.test({
  name: "a sandboxed session's browser tool opens a workspace page in its browser container, " +
    "not in the host's Chromium",
  ignore: SKIP_REASON !== undefined && !dockerRequired(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    if (SKIP_REASON) throw new Error(`OPENCLAW_TEST_REQUIRE contains docker, but ${SKIP_REASON}`);
    // Stock's prefix plus a random part: parallel runs and other homes keep their containers.
    const prefix = `openclaw-sbx-browser-t${crypto.randomUUID().slice(0, 6)}-`;
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    await using sb = await makeSandbox();
    const workspace = `${sb.home}/workspace`;
    await writeFile(
      `${workspace}/lobster.html`,
      "<!doctype html><html><head><title>Sandbox Lobster Page</title></head>" +
        "<body><h1>Hello from the sandbox</h1></body></html>",
    );
    try {
      const cfg = config(fake.baseUrl, workspace, {
        enabled: true,
        image: BROWSER_IMAGE,
        network: "none",
        headless: true,
        containerPrefix: prefix,
      });
      await using gw = await startGateway(sb, JSON.stringify(cfg));
      const { out, calls, result } = await browserToolTurn(
        sb,
        fake,
        { action: "open", targetUrl: "file:///workspace/lobster.html" },
        "open my page",
        "The page is called Sandbox Lobster Page.",
      );
      assert.deepEqual(calls, [["browser", false]], JSON.stringify(out));
      // What the tool returned to the model: the page's title and where it is.
      assert.match(result, /"title": "Sandbox Lobster Page"/);
      assert.match(result, /"url": "file:\/\/\/workspace\/lobster\.html"/);

      // The browser runs in the session's container, with no network, while the gateway runs.
      const ps = await docker(
        "ps",
        "--filter",
        `name=^${prefix}`,
        "--format",
        '{{.Names}}|{{.State}}|{{.Label "openclaw.sandboxBrowser"}}',
      );
      const rows = ps.out.split("\n").filter(Boolean);
      assert.equal(rows.length, 1, ps.out);
      const [name, state, label] = rows[0].split("|");
      assert.match(name, new RegExp(`^${prefix}agent-main-[0-9a-f]{8}$`));
      assert.equal(state, "running");
      assert.equal(label, "1");
      assert.equal(
        (await docker("inspect", "--format", "{{.HostConfig.NetworkMode}}", name)).out,
        "none",
      );
      const top = await docker("top", name, "-o", "pid,args");
      assert.match(top.out, /chromium .*--remote-debugging-port=9222/);
      const registry = JSON.parse(await Deno.readTextFile(`${sb.stateDir}/sandbox/browsers.json`));
      assert.deepEqual(registry.entries.map((e: { containerName: string }) => e.containerName), [
        name,
      ]);

      // The host's browser was never launched: no profile started, no Chromium for this home.
      const status = await runCli(sb, ["browser", "status", "--json"]);
      assert.equal(status.code, 0, status.stderr);
      assert.equal(JSON.parse(status.stdout).running, false);
      assert.deepEqual(hostProcessesMentioning(sb.home), []);
      await assert.rejects(Deno.stat(`${sb.stateDir}/browser/openclaw/user-data`));

      // A gateway that stops leaves no relay (`docker exec … <container>`) running on the host;
      // the container stays, like an exec sandbox, for the next start to reuse.
      assert.equal(await gw.stop("SIGTERM"), 0);
      assert.deepEqual(hostProcessesMentioning(name, /docker/), []);
      assert.equal((await docker("inspect", "--format", "{{.State.Running}}", name)).out, "true");

      // `sandbox list --browser` / `recreate --browser` see it (by label, this home only).
      const listed = await listSandboxBrowsers({ stateDir: sb.stateDir, config: cfg });
      assert.deepEqual(
        listed.map((b) => [b.containerName, b.running, b.configMatch, b.agentId]),
        [[name, true, true, "main"]],
      );
      const removed = await recreateSandboxBrowsers({ all: true }, { stateDir: sb.stateDir });
      assert.deepEqual(removed.removed, [name]);
      assert.equal((await docker("ps", "-aq", "--filter", `name=^${prefix}`)).out, "");
    } finally {
      await removeContainers(prefix);
    }
  },
});

Deno.test({
  name: "with agents.defaults.sandbox.browser.enabled off (the default) the browser tool of a " +
    "sandboxed session refuses and names the key",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    await using fake = await startFakeProvider({ kind: "openai-completions" });
    await using sb = await makeSandbox();
    const workspace = `${sb.home}/workspace`;
    await Deno.mkdir(workspace, { recursive: true });
    await using _gw = await startGateway(sb, JSON.stringify(config(fake.baseUrl, workspace)));
    const { calls, result } = await browserToolTurn(
      sb,
      fake,
      { action: "open", targetUrl: "https://example.com/" },
      "open example.com",
      "The browser is off here.",
    );
    assert.deepEqual(calls, [["browser", true]]);
    assert.match(
      result,
      /not available in a sandboxed session: its browser runs in a sandbox browser container, and agents\.defaults\.sandbox\.browser\.enabled is false/,
    );
    // Refused before anything started: no host browser either.
    const status = await runCli(sb, ["browser", "status", "--json"]);
    assert.equal(JSON.parse(status.stdout).running, false);
  },
});

async function invoke(port: number, args: unknown) {
  const r = await fetch(`http://127.0.0.1:${port}/tools/invoke`, {
    method: "POST",
    headers: { Authorization: `Bearer ${AGENT_TEST_TOKEN}`, "Content-Type": "application/json" },
    body: JSON.stringify({ tool: "browser", args, sessionKey: "agent:main:main" }),
  });
  return { status: r.status, body: await r.json() };
}

Deno.test({
  name: "the sandbox browser keeps its tab and refs across calls and comes back after its " +
    "container restarts",
  ignore: SKIP_REASON !== undefined && !dockerRequired(),
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    if (SKIP_REASON) throw new Error(`OPENCLAW_TEST_REQUIRE contains docker, but ${SKIP_REASON}`);
    const prefix = `openclaw-sbx-browser-t${crypto.randomUUID().slice(0, 6)}-`;
    await using sb = await makeSandbox();
    const workspace = `${sb.home}/workspace`;
    await writeFile(
      `${workspace}/form.html`,
      "<!doctype html><title>Form Page</title><h1>Sandbox form</h1>" +
        '<input aria-label="Query"><button onclick="document.title=\'Clicked\'">Go</button>',
    );
    try {
      await using gw = await startGateway(
        sb,
        JSON.stringify(
          config("http://127.0.0.1:9/v1", workspace, {
            enabled: true,
            image: BROWSER_IMAGE,
            network: "none",
            headless: true,
            containerPrefix: prefix,
          }),
        ),
      );
      const opened = await invoke(gw.port, {
        action: "open",
        targetUrl: "file:///workspace/form.html",
      });
      assert.equal(opened.status, 200, JSON.stringify(opened.body));
      assert.equal(opened.body.result.title, "Form Page");
      // A later call works on the same tab, and the refs of its snapshot drive act.
      const snap = await invoke(gw.port, { action: "snapshot" });
      assert.equal(snap.status, 200, JSON.stringify(snap.body));
      const text: string = snap.body.result.snapshot;
      const button = /button "Go" \[ref=(e\d+)\]/.exec(text)?.[1] ?? assert.fail(text);
      const clicked = await invoke(gw.port, { action: "act", kind: "click", ref: button });
      assert.equal(clicked.status, 200, JSON.stringify(clicked.body));
      assert.equal(clicked.body.result.title, "Clicked");
      // Pages outside the workspace stay closed.
      const denied = await invoke(gw.port, { action: "open", targetUrl: "file:///etc/passwd" });
      assert.match(JSON.stringify(denied.body), /outside the sandbox workspace/);

      // The container restarts (Chromium with it): the next call reconnects on its own.
      const name = (await docker("ps", "--filter", `name=^${prefix}`, "--format", "{{.Names}}"))
        .out;
      assert.equal((await docker("restart", "-t", "0", name)).code, 0);
      const again = await invoke(gw.port, {
        action: "open",
        targetUrl: "file:///workspace/form.html",
      });
      assert.equal(again.status, 200, JSON.stringify(again.body));
      assert.equal(again.body.result.title, "Form Page");
      const status = await invoke(gw.port, { action: "status" });
      assert.equal(status.body.result.containerName, name);
      assert.equal(status.body.result.running, true);
      assert.equal(status.body.result.cdpReady, true);
    } finally {
      await removeContainers(prefix);
    }
  },
});
