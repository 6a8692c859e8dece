import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import { findOnPath } from "../../../lib/service/exec.ts";
import { parseLaunchctlPrint } from "../../../lib/service/launchd.ts";
import {
  parseLaunchdPlist,
  parsePlist,
  renderLaunchdPlist,
  xmlEscape,
} from "../../../lib/service/launchd_plist.ts";

const SPEC = {
  label: "ai.openclaw.gateway",
  comment: "OpenClaw Gateway",
  programArguments: ["/Users/u/bin/openclaw", "gateway", "--port", "18789"],
  environment: {
    HOME: "/Users/u",
    PATH: "/opt/homebrew/bin:/usr/local/bin:/usr/bin:/bin",
    OPENCLAW_STATE_DIR: "/Users/u/.openclaw",
    OPENCLAW_LAUNCHD_LABEL: "ai.openclaw.gateway",
  },
  workingDirectory: "/Users/u/.openclaw",
  stdoutPath: "/Users/u/.openclaw/logs/gateway.log",
  stderrPath: "/Users/u/.openclaw/logs/gateway.err.log",
};

/**
 * An independent well-formedness check: every element is closed in order, attributes are
 * quoted, text holds no raw `<` or stray `&`. Not our parser, so it cannot share its bugs.
 */
function assertWellFormedXml(xml: string): void {
  const body = xml.replace(/^<\?xml [^?]*\?>\s*/, "").replace(/^<!DOCTYPE [^>]*>\s*/, "");
  const stack: string[] = [];
  const re = /<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>|([^<]+)|(<)/g;
  let m: RegExpExecArray | null;
  let roots = 0;
  while ((m = re.exec(body)) !== null) {
    const [, close, name, , selfClose, text, stray] = m;
    if (stray) throw new Error(`stray "<" at ${m.index}`);
    if (text !== undefined) {
      if (/&(?!(amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);)/.test(text)) {
        throw new Error(`unescaped & in ${JSON.stringify(text)}`);
      }
      if (stack.length === 0 && text.trim() !== "") throw new Error("text outside the root");
      continue;
    }
    if (close) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}>`);
    } else if (!selfClose) {
      if (stack.length === 0) roots++;
      stack.push(name);
    } else if (stack.length === 0) roots++;
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join("> <")}>`);
  assert.equal(roots, 1, "exactly one root element");
}

Deno.test("renderLaunchdPlist() writes every key launchd needs, as a well-formed plist", () => {
  const xml = renderLaunchdPlist(SPEC);
  assertWellFormedXml(xml);
  assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>\n<!DOCTYPE plist /);
  const root = parsePlist(xml) as Record<string, unknown>;
  assert.equal(root.Label, "ai.openclaw.gateway");
  assert.equal(root.Comment, "OpenClaw Gateway");
  assert.equal(root.RunAtLoad, true);
  assert.equal(root.KeepAlive, true);
  assert.equal(root.ExitTimeOut, 15);
  assert.deepEqual(root.ProgramArguments, SPEC.programArguments);
  assert.equal(root.WorkingDirectory, SPEC.workingDirectory);
  assert.equal(root.StandardOutPath, "/Users/u/.openclaw/logs/gateway.log");
  assert.equal(root.StandardErrorPath, "/Users/u/.openclaw/logs/gateway.err.log");
  assert.deepEqual({ ...(root.EnvironmentVariables as object) }, SPEC.environment);
  assert.match(xml, /<key>ExitTimeOut<\/key>\n {2}<integer>15<\/integer>/);
});

Deno.test("renderLaunchdPlist() XML-escapes values and parseLaunchdPlist() restores them", () => {
  const tricky = `a & b <c> "d" 'e'`;
  const xml = renderLaunchdPlist({
    ...SPEC,
    comment: tricky,
    programArguments: ["/x/y & z/openclaw", "gateway", "</string>"],
    environment: { ...SPEC.environment, X: tricky },
  });
  assertWellFormedXml(xml);
  assert.ok(xml.includes("<string>a &amp; b &lt;c&gt; &quot;d&quot; &apos;e&apos;</string>"));
  const parsed = parseLaunchdPlist(xml);
  assert.equal(parsed.comment, tricky);
  assert.deepEqual(parsed.programArguments, ["/x/y & z/openclaw", "gateway", "</string>"]);
  assert.equal(parsed.environment.X, tricky);
  assert.equal(parsed.label, "ai.openclaw.gateway");
});

Deno.test("renderLaunchdPlist() rejects CR/LF in environment values and control characters", () => {
  assert.throws(
    () => renderLaunchdPlist({ ...SPEC, environment: { A: "1\n2" } }),
    (e: unknown) => e instanceof OpenClawError && e.code === "SERVICE_ENV_INVALID",
  );
  assert.throws(
    () => xmlEscape("bell\x07"),
    (e: unknown) => e instanceof OpenClawError && e.code === "SERVICE_PLIST_INVALID",
  );
});

Deno.test("parsePlist() rejects malformed documents", () => {
  for (
    const bad of [
      "<plist><dict><key>A</key></plist>",
      "<plist><dict><string>x</string></dict></plist>",
      "<plist><array><string>x</array></plist>",
      "<plist><dict/></plist><extra/>",
    ]
  ) {
    assert.throws(
      () => parsePlist(bad),
      (e: unknown) => e instanceof OpenClawError && e.code === "SERVICE_PLIST_INVALID",
      bad,
    );
  }
});

Deno.test("parsePlist() builds dicts without a prototype (no __proto__ pollution)", () => {
  const root = parsePlist(
    "<plist><dict><key>__proto__</key><dict><key>polluted</key><true/></dict></dict></plist>",
  ) as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(root), null);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("parseLaunchctlPrint() reads state, pid and the last exit status", () => {
  const running = parseLaunchctlPrint(
    "gui/501/ai.openclaw.gateway = {\n\tactive count = 1\n\tpath = /x.plist\n\tstate = running\n" +
      "\tprogram = /bin/openclaw\n\tpid = 4321\n\tlast exit code = 0\n\tendpoints = {\n" +
      "\t\tstate = active\n\t}\n}\n",
  );
  assert.deepEqual(running, {
    status: "running",
    state: "running",
    pid: 4321,
    lastExitStatus: 0,
    lastExitReason: undefined,
  });
  const stopped = parseLaunchctlPrint(
    "x = {\n\tstate = not running\n\tlast exit status = 78\n\tlast exit reason = exited\n}\n",
  );
  assert.equal(stopped.status, "stopped");
  assert.equal(stopped.lastExitStatus, 78);
  assert.equal(stopped.lastExitReason, "exited");
  assert.equal(stopped.pid, undefined);
});

const plutil = findOnPath("plutil");
Deno.test({
  name: "renderLaunchdPlist() output passes `plutil -lint` (macOS only)",
  ignore: !plutil,
  async fn() {
    const file = await Deno.makeTempFile({ suffix: ".plist" });
    try {
      await Deno.writeTextFile(file, renderLaunchdPlist(SPEC));
      const out = await new Deno.Command(plutil!, { args: ["-lint", file] }).output();
      assert.equal(out.code, 0, new TextDecoder().decode(out.stdout));
    } finally {
      await Deno.remove(file);
    }
  },
});
