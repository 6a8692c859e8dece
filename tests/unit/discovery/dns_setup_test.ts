/**
 * `openclaw dns setup` as a user runs it, with stand-ins on PATH: `tailscale` (reports a tailnet
 * address), `coredns` and `sudo` (record their argv, and for sudo its stdin, to calls.log).
 */
import assert from "node:assert/strict";
import { makeSandbox, runCli, type Sandbox, tempDir } from "../../helpers.ts";

async function fakeBin(sb: Sandbox, tools: readonly string[]): Promise<Record<string, string>> {
  const bin = `${sb.home}/fakebin`;
  await Deno.mkdir(bin, { recursive: true });
  const log = `${sb.home}/calls.log`;
  const scripts: Record<string, string> = {
    tailscale: `#!/bin/sh
echo "tailscale $*" >> ${log}
if [ "$1" = ip ]; then echo 100.101.102.103; echo fd7a:115c:a1e0::1; exit 0; fi
exit 1
`,
    coredns: `#!/bin/sh
echo "coredns $*" >> ${log}
echo "CoreDNS-1.11.3"
`,
    sudo: `#!/bin/sh
echo "sudo $*" >> ${log}
if [ "$1" = tee ]; then sed 's/^/  | /' >> ${log}; fi
exit 0
`,
  };
  for (const tool of tools) {
    await Deno.writeTextFile(`${bin}/${tool}`, scripts[tool], { mode: 0o755 });
  }
  return { PATH: `${bin}:/usr/bin:/bin` };
}

async function calls(sb: Sandbox): Promise<string> {
  return await Deno.readTextFile(`${sb.home}/calls.log`).catch(() => "");
}

Deno.test("dns setup prints the table, the recommended config and Tailscale split-DNS steps", async () => {
  await using sb = await makeSandbox({ config: "{}" });
  const env = await fakeBin(sb, ["tailscale"]);
  const r = await runCli(sb, ["dns", "setup", "--domain", "OpenClaw.Internal."], { env });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    [
      "Domain      openclaw.internal.",
      "Zone file   ~/.openclaw/dns/openclaw.internal.db",
      "Tailnet IP  100.101.102.103 (fd7a:115c:a1e0::1)",
      "",
      "Recommended config:",
      '{"gateway":{"bind":"tailnet"},"discovery":{"wideArea":{"enabled":true,"domain":"openclaw.internal."}}}',
      "",
      "Tailscale admin console → DNS → Nameservers:",
      "  1. Add nameserver: 100.101.102.103",
      "  2. Restrict to domain (Split DNS): openclaw.internal",
      "Check: dig @100.101.102.103 -p 53 _openclaw-gw._tcp.openclaw.internal PTR +short",
      "",
      "Run with --apply to install CoreDNS and configure it.",
      "",
    ].join("\n"),
  );
});

Deno.test("dns setup takes the domain from the config and says when there is no tailnet IP", async () => {
  await using sb = await makeSandbox({ config: "{ discovery: { wideArea: { enabled: true } } }" });
  const r = await runCli(sb, ["dns", "setup", "--json"], { env: await fakeBin(sb, []) });
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.domain, "openclaw.internal.");
  assert.deepEqual(out.tailnet, {});
  assert.deepEqual(out.hints, [
    "No tailnet IP detected; ensure Tailscale is running on this machine.",
  ]);

  const apply = await runCli(sb, ["dns", "setup", "--apply"], { env: await fakeBin(sb, []) });
  assert.equal(apply.code, 1);
  assert.match(apply.stderr, /no tailnet IP detected; ensure Tailscale is running on this machine/);
});

Deno.test("dns setup without a domain says how to set one", async () => {
  await using sb = await makeSandbox({ config: "{}" });
  const r = await runCli(sb, ["dns", "setup"], { env: await fakeBin(sb, ["tailscale"]) });
  assert.equal(r.code, 1);
  assert.match(
    r.stderr,
    /No wide-area domain configured\. Set discovery\.wideArea\.domain or pass --domain\./,
  );
});

Deno.test("dns setup --apply writes the CoreDNS config it lists and bootstraps the zone", async () => {
  await using sb = await makeSandbox({ config: "{}" });
  await using prefix = await tempDir();
  const env = await fakeBin(sb, ["tailscale", "coredns", "sudo"]);
  const r = await runCli(sb, [
    "dns",
    "setup",
    "--domain",
    "openclaw.internal",
    "--apply",
    "--prefix",
    prefix.path,
  ], { env });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const conf = `${prefix.path}/etc/coredns`;
  assert.match(r.stdout, new RegExp(`write ${conf}/conf\\.d/openclaw\\.internal\\.server:`));
  assert.match(r.stdout, /Start CoreDNS with: sudo coredns -conf .*\/etc\/coredns\/Corefile/);
  assert.equal(
    await Deno.readTextFile(`${conf}/Corefile`),
    `import ${conf}/conf.d/*.server\n`,
  );
  const server = await Deno.readTextFile(`${conf}/conf.d/openclaw.internal.server`);
  assert.match(
    server,
    /^openclaw\.internal:53 \{\n {2}bind 100\.101\.102\.103 fd7a:115c:a1e0::1\n/,
  );
  assert.match(server, new RegExp(`file ${sb.stateDir}/dns/openclaw\\.internal\\.db \\{`));
  const zone = await Deno.readTextFile(`${sb.stateDir}/dns/openclaw.internal.db`);
  assert.match(zone, /^@ IN NS ns1$/m);
  const log = await calls(sb);
  assert.match(log, /^coredns -version$/m);
  assert.doesNotMatch(log, /^sudo /m, "nothing needed sudo");
});

// A read-only CoreDNS directory (a bind mount in a private mount namespace) is what a user
// without root sees: every write there goes through sudo.
const canUnshare = new Deno.Command("unshare", { args: ["-rm", "true"] }).outputSync().success;

Deno.test({
  name: "dns setup --apply asks before sudo, and runs the listed sudo commands with --yes",
  ignore: !canUnshare,
  async fn() {
    await using sb = await makeSandbox({ config: "{}" });
    await using prefix = await tempDir();
    const env = await fakeBin(sb, ["tailscale", "coredns", "sudo"]);
    const readOnly = (args: string[]) => [
      "-c",
      `mount --bind ${prefix.path} ${prefix.path} && mount -o remount,bind,ro ${prefix.path} && ` +
      `exec "$0" "$@"`,
      Deno.execPath(),
      "run",
      "-A",
      "--quiet",
      new URL("../../../main.ts", import.meta.url).pathname,
      ...args,
    ];
    const run = async (args: string[]) => {
      const out = await new Deno.Command("unshare", {
        args: ["-rm", "sh", ...readOnly(args)],
        env: { ...sb.env, ...env },
        clearEnv: true,
        cwd: sb.home,
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const dec = new TextDecoder();
      return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
    };
    const base = [
      "dns",
      "setup",
      "--domain",
      "openclaw.internal",
      "--apply",
      "--prefix",
      prefix.path,
    ];
    const conf = `${prefix.path}/etc/coredns`;

    const declined = await run(base);
    assert.equal(declined.code, 1, declined.stdout + declined.stderr);
    assert.match(declined.stdout, new RegExp(`sudo mkdir -p ${conf}/conf\\.d`));
    assert.match(
      declined.stdout,
      new RegExp(`sudo tee ${conf}/conf\\.d/openclaw\\.internal\\.server`),
    );
    assert.match(declined.stdout, /Run these commands \(some with sudo\)\? \[y\/N\]/);
    assert.match(declined.stderr, /Nothing was changed\./);
    assert.doesNotMatch(await calls(sb), /^sudo /m, "no sudo before the user agrees");

    const yes = await run([...base, "--yes"]);
    assert.equal(yes.code, 0, yes.stdout + yes.stderr);
    const log = await calls(sb);
    assert.match(log, new RegExp(`^sudo mkdir -p ${conf}/conf\\.d$`, "m"));
    assert.match(log, new RegExp(`^sudo tee ${conf}/conf\\.d/openclaw\\.internal\\.server$`, "m"));
    assert.match(log, /^ {2}\| openclaw\.internal:53 \{$/m);
    assert.match(
      log,
      new RegExp(`^sudo tee ${conf}/Corefile$\\n^  \\| import ${conf}/conf\\.d/\\*\\.server$`, "m"),
    );
  },
});
