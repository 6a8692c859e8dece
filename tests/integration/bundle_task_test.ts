/**
 * `deno task bundle` (scripts/bundle.ts): a small entry plus a directory of chunks that runs the
 * CLI and the gateway from any directory, reading nothing from the source tree, and whose start
 * loads only the entry's few static chunks.
 */
import assert from "node:assert/strict";
import { freePort, makeSandbox, waitUntil, writeFile } from "../helpers.ts";
import { VERSION } from "../../lib/version.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const dec = new TextDecoder();

/** `deno <args>` with the sandbox's env only; the source tree is denied to the program. */
async function deno(args: string[], env: Record<string, string>, cwd: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args,
    env,
    clearEnv: true,
    cwd,
    stdout: "piped",
    stderr: "piped",
  }).output();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("deno task bundle", async (t) => {
  await using sb = await makeSandbox();
  const entry = `${sb.home}/bin/openclaw.js`;
  const built = await deno(["run", "-A", `${ROOT}scripts/bundle.ts`, "--out", entry], sb.env, ROOT);
  assert.equal(built.code, 0, built.stderr);
  // Run from a directory that is neither the source tree nor the bundle's.
  const cwd = `${sb.home}/elsewhere`;
  await Deno.mkdir(cwd);
  const cli = (args: string[], env: Record<string, string> = {}) =>
    deno(
      ["run", "-A", `--deny-read=${ROOT}`, "--quiet", entry, ...args],
      { ...sb.env, ...env },
      cwd,
    );

  await t.step("writes an entry and a directory of chunks beside it", async () => {
    const names = [];
    for await (const e of Deno.readDir(`${sb.home}/bin`)) names.push(e.name);
    assert.deepEqual(names.sort(), ["openclaw", "openclaw.js"]);
  });

  await t.step("Deno's start graph is the entry and its static chunks only", async () => {
    // The chunks' dynamic imports are not followed, whether or not a deno.json enables lazy
    // dynamic imports (none is found from here).
    const info = await deno(["info", "--json", entry], sb.env, sb.home);
    assert.equal(info.code, 0, info.stderr);
    const modules: string[] = JSON.parse(info.stdout).modules.map((m: { specifier: string }) =>
      m.specifier
    );
    assert.ok(modules.length <= 4, `start graph: ${modules.join(", ")}`);
    for (const m of modules) assert.ok(m.startsWith(`file://${sb.home}/bin/`), m);
  });

  await t.step("runs the CLI from another directory without the source tree", async () => {
    assert.equal((await cli(["--version"])).stdout.trim(), VERSION);
    assert.equal((await cli(["setup"])).code, 0);
    assert.equal((await cli(["config", "set", "gateway.port", "18999"])).code, 0);
    assert.equal((await cli(["config", "get", "gateway.port"])).stdout.trim(), "18999");
    assert.equal((await cli(["config", "validate"])).code, 0);
    const schema = await cli(["config", "schema"]);
    assert.ok(JSON.parse(schema.stdout).properties.gateway);
    assert.equal((await cli(["nope"])).code, 2);
  });

  await t.step("starts the gateway, which serves the dashboard and answers status", async () => {
    const port = freePort();
    const gw = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `--deny-read=${ROOT}`, "--quiet", entry, "gateway", "--port", `${port}`],
      env: sb.env,
      clearEnv: true,
      cwd,
      stdout: "null",
      stderr: "piped",
    }).spawn();
    try {
      await waitUntil(async () => {
        const r = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        await r?.body?.cancel();
        return r?.status === 200;
      }, { timeoutMs: 30_000, message: "gateway /readyz" });
      const page = await fetch(`http://127.0.0.1:${port}/`);
      assert.equal(page.status, 200);
      assert.match(await page.text(), /<title>OpenClaw Control<\/title>/);
      const status = await cli(["gateway", "status", "--json"], {
        OPENCLAW_GATEWAY_PORT: `${port}`,
      });
      assert.equal(status.code, 0, status.stderr);
      assert.ok(JSON.parse(status.stdout));
    } finally {
      gw.kill("SIGTERM");
      await gw.output();
    }
  });

  await t.step(
    "serves the gateway's config schema child with no permission but reading itself",
    async () => {
      // What lib/config/schema_isolated.ts runs from the bundle (the gateway never builds it).
      const child = new Deno.Command(Deno.execPath(), {
        args: [
          "run",
          "--quiet",
          "--no-prompt",
          `--allow-read=${sb.home}/bin/`,
          entry,
          "__config-schema-child",
        ],
        env: sb.env,
        clearEnv: true,
        cwd,
        stdin: "piped",
        stdout: "piped",
        stderr: "piped",
      }).spawn();
      const writer = child.stdin.getWriter();
      await writer.write(
        new TextEncoder().encode('{"op":"validate","config":{"gateway":{"port":"x"}}}'),
      );
      await writer.close();
      const out = await child.output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
      assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
        ok: false,
        issues: [{ path: "gateway.port", message: "Expected number, received string" }],
      });
    },
  );

  await t.step("exits 78 on an invalid config", async () => {
    await writeFile(sb.configPath, `{ gateway: { port: "x" } }`);
    assert.equal((await cli(["config", "validate"])).code, 78);
  });

  await t.step("bundled CommonJS gets a require that loads node:module on first call", async () => {
    // The runtime chunk is the one every chunk imports; `__require` is esbuild's name for the
    // `require` it hands to bundled CommonJS.
    let runtime: string | undefined;
    for await (const e of Deno.readDir(`${sb.home}/bin/openclaw`)) {
      const text = await Deno.readTextFile(`${sb.home}/bin/openclaw/${e.name}`).catch(() => "");
      if (text.includes("node:module on first use")) runtime = e.name;
    }
    assert.ok(runtime, "no runtime chunk with the lazy require");
    await writeFile(
      `${sb.home}/bin/probe.js`,
      `import { __require } from "./openclaw/${runtime}";\n` +
        `console.log(__require("node:path").join("a", "b"), typeof __require.resolve);\n`,
    );
    const probe = await deno(["run", "-A", "--quiet", `${sb.home}/bin/probe.js`], sb.env, sb.home);
    assert.equal(probe.code, 0, probe.stderr);
    assert.equal(probe.stdout.trim(), "a/b function");
  });
});
