import assert from "node:assert/strict";
import { findOnPath } from "../../../lib/service/exec.ts";
import {
  environmentLine,
  parseSystemdUnit,
  quoteExecArg,
  renderSystemdUnit,
  splitUnitWords,
} from "../../../lib/service/systemd_unit.ts";
import { OpenClawError } from "../../../lib/errors.ts";

const SPEC = {
  description: "OpenClaw Gateway",
  programArguments: ["/usr/local/bin/openclaw", "gateway", "--port", "18789"],
  environment: {
    HOME: "/home/u",
    PATH: "/usr/local/bin:/usr/bin:/bin",
    OPENCLAW_STATE_DIR: "/home/u/.openclaw",
    OPENCLAW_CONFIG_PATH: "/home/u/.openclaw/openclaw.json",
    OPENCLAW_GATEWAY_PORT: "18789",
    OPENCLAW_SYSTEMD_UNIT: "openclaw-gateway.service",
    OPENCLAW_SERVICE_MARKER: "openclaw",
    OPENCLAW_SERVICE_KIND: "gateway",
    OPENCLAW_SERVICE_VERSION: "2026.11.0",
  },
  workingDirectory: "/home/u/.openclaw",
};

Deno.test("renderSystemdUnit() writes the full unit, directive by directive", () => {
  assert.equal(
    renderSystemdUnit(SPEC),
    `[Unit]
Description=OpenClaw Gateway
After=network-online.target
Wants=network-online.target
StartLimitBurst=5
StartLimitIntervalSec=60

[Service]
Type=simple
ExecStart=/usr/local/bin/openclaw gateway --port 18789
Restart=always
RestartSec=5
RestartPreventExitStatus=78
TimeoutStopSec=30
KillMode=mixed
SuccessExitStatus=0 143
Environment=HOME=/home/u
Environment=PATH=/usr/local/bin:/usr/bin:/bin
Environment=OPENCLAW_STATE_DIR=/home/u/.openclaw
Environment=OPENCLAW_CONFIG_PATH=/home/u/.openclaw/openclaw.json
Environment=OPENCLAW_GATEWAY_PORT=18789
Environment=OPENCLAW_SYSTEMD_UNIT=openclaw-gateway.service
Environment=OPENCLAW_SERVICE_MARKER=openclaw
Environment=OPENCLAW_SERVICE_KIND=gateway
Environment=OPENCLAW_SERVICE_VERSION=2026.11.0
WorkingDirectory=/home/u/.openclaw

[Install]
WantedBy=default.target
`,
  );
});

Deno.test("quoteExecArg() escapes specifiers and variables and quotes per systemd", () => {
  assert.equal(quoteExecArg("/usr/bin/deno"), "/usr/bin/deno");
  assert.equal(quoteExecArg("/home/my user/main.ts"), `"/home/my user/main.ts"`);
  assert.equal(quoteExecArg("100%"), "100%%");
  assert.equal(quoteExecArg("$HOME"), "$$HOME");
  assert.equal(quoteExecArg("${X} y"), `"$\${X} y"`);
  assert.equal(quoteExecArg(`say "hi"`), `"say \\"hi\\""`);
  assert.equal(quoteExecArg("back\\slash"), `"back\\\\slash"`);
  assert.equal(quoteExecArg("it's"), `"it's"`);
  assert.equal(quoteExecArg(""), `""`);
  assert.equal(quoteExecArg(";"), `";"`);
  assert.equal(quoteExecArg("tab\there"), `"tab\\there"`);
});

Deno.test("environmentLine() quotes values with spaces and escapes %", () => {
  assert.equal(environmentLine("A", "b"), "Environment=A=b");
  assert.equal(environmentLine("A", "b c"), `Environment="A=b c"`);
  assert.equal(environmentLine("A", "50%"), "Environment=A=50%%");
  assert.equal(environmentLine("A", `x"y`), `Environment="A=x\\"y"`);
  // $ is not expanded in Environment=, so it stays as it is.
  assert.equal(environmentLine("A", "$B"), "Environment=A=$B");
});

Deno.test("renderSystemdUnit() rejects CR/LF in environment values", () => {
  assert.throws(
    () => renderSystemdUnit({ ...SPEC, environment: { A: "x\ny" } }),
    (err: unknown) =>
      err instanceof OpenClawError && err.code === "SERVICE_ENV_INVALID" && /A/.test(err.message),
  );
  assert.throws(
    () => renderSystemdUnit({ ...SPEC, environment: { A: "x\ry" } }),
    (err: unknown) => err instanceof OpenClawError && err.code === "SERVICE_ENV_INVALID",
  );
});

Deno.test("parseSystemdUnit() reads back exactly what renderSystemdUnit() wrote", () => {
  const args = [
    "/opt/my apps/deno",
    "run",
    "-A",
    "/home/u/src/open claw/main.ts",
    "100%",
    "$HOME",
    `q"\\`,
    "",
    "it's",
  ];
  const environment = { ...SPEC.environment, X: "a b%", Y: "$Z", W: `"quoted"` };
  const parsed = parseSystemdUnit(
    renderSystemdUnit({ ...SPEC, programArguments: args, environment, workingDirectory: "/w/%d" }),
  );
  assert.deepEqual(parsed.programArguments, args);
  assert.deepEqual(parsed.environment, environment);
  assert.equal(parsed.workingDirectory, "/w/%d");
  assert.equal(parsed.description, "OpenClaw Gateway");
  assert.equal(parsed.directives.Service.RestartPreventExitStatus, "78");
});

Deno.test("splitUnitWords() handles several quoted assignments on one line", () => {
  assert.deepEqual(splitUnitWords(`"A=1 2" B=3 'C=4 5'`), ["A=1 2", "B=3", "C=4 5"]);
  assert.deepEqual(splitUnitWords(`a\\x41b`), ["aAb"]);
});

const requireSystemd = (Deno.env.get("OPENCLAW_TEST_REQUIRE") ?? "").split(",").map((s) => s.trim())
  .includes("systemd");
const analyze = findOnPath("systemd-analyze");
if (!analyze && !requireSystemd) {
  console.warn(
    "ignored: systemd-analyze verify test (systemd-analyze not on PATH; apt-get install systemd, " +
      "or set OPENCLAW_TEST_REQUIRE=systemd to make its absence fail)",
  );
}

Deno.test({
  name: "renderSystemdUnit() output passes `systemd-analyze verify --user` with no warnings",
  ignore: !analyze && !requireSystemd,
  async fn() {
    assert.ok(analyze, "OPENCLAW_TEST_REQUIRE has systemd but systemd-analyze is not on PATH");
    const bin: string = analyze;
    const dir = await Deno.makeTempDir({ prefix: "openclaw-unit-" });
    try {
      const runtimeDir = `${dir}/runtime`;
      await Deno.mkdir(runtimeDir, { mode: 0o700 });
      const work = `${dir}/state dir`;
      await Deno.mkdir(work);
      for (
        const [name, args, env] of [
          ["openclaw-gateway.service", [Deno.execPath(), "gateway", "--port", "18789"], {}],
          [
            "openclaw-gateway-work.service",
            [Deno.execPath(), "run", "-A", `${dir}/my src/main.ts`, "100%", "$X", `a"b\\c`],
            { X: "a b", P: "50%", Q: `"x"` },
          ],
        ] as const
      ) {
        const unit = `${dir}/${name}`;
        await Deno.writeTextFile(
          unit,
          renderSystemdUnit({
            ...SPEC,
            description: "OpenClaw Gateway (profile: work, v2026.11.0)",
            programArguments: args,
            environment: { ...SPEC.environment, ...env },
            workingDirectory: work,
          }),
        );
        const out: Deno.CommandOutput = await new Deno.Command(bin, {
          args: ["verify", "--user", unit],
          env: { XDG_RUNTIME_DIR: runtimeDir, SYSTEMD_LOG_COLOR: "0" },
          stdout: "piped",
          stderr: "piped",
        }).output();
        const text: string = new TextDecoder().decode(out.stdout) +
          new TextDecoder().decode(out.stderr);
        assert.equal(out.code, 0, `${name}:\n${text}`);
        assert.equal(text.trim(), "", `${name} has warnings:\n${text}`);
      }
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});
