/**
 * vendor/commander/shim.ts: the Node built-ins the vendored commander uses, over Deno APIs.
 */
import assert from "node:assert/strict";
import {
  basename,
  EventEmitter,
  extname,
  getColorDepth,
  process,
  stripVTControlCharacters,
} from "../../../vendor/commander/shim.ts";
import { tempDir } from "../../helpers.ts";

const SHIM_URL = new URL("../../../vendor/commander/shim.ts", import.meta.url).href;

Deno.test("EventEmitter calls listeners in order with the emitted arguments", () => {
  const e = new EventEmitter();
  const seen: string[] = [];
  e.on("option:port", (v: string) => seen.push(`a:${v}`));
  e.addListener("option:port", (v: string) => seen.push(`b:${v}`));
  assert.equal(e.listenerCount("option:port"), 2);
  assert.equal(e.listenerCount("option:other"), 0);
  assert.equal(e.emit("option:port", "18789"), true);
  assert.deepEqual(seen, ["a:18789", "b:18789"]);
  assert.equal(e.emit("option:other"), false);
});

Deno.test("EventEmitter runs listeners with this = the emitter", () => {
  const e = new EventEmitter();
  let self: unknown;
  e.on("x", function (this: unknown) {
    self = this;
  });
  e.emit("x");
  assert.equal(self, e);
});

Deno.test("EventEmitter: a listener added while emitting waits for the next emit", () => {
  const e = new EventEmitter();
  let late = 0;
  e.on("x", () => e.on("x", () => late++));
  e.emit("x");
  assert.equal(late, 0);
  e.emit("x");
  assert.equal(late, 1);
});

Deno.test("EventEmitter: an error event nobody listens to throws", () => {
  const e = new EventEmitter();
  const err = new Error("boom");
  assert.throws(() => e.emit("error", err), (thrown) => thrown === err);
  assert.throws(() => e.on("x", "nope" as never), TypeError);
});

Deno.test("process.env reads Deno.env and cannot be written", () => {
  const path = Deno.env.get("PATH");
  assert.ok(path !== undefined);
  assert.equal(process.env.PATH, path);
  assert.ok("PATH" in process.env);
  assert.equal(process.env.OPENCLAW_SURELY_UNSET_VARIABLE, undefined);
  assert.ok(!("OPENCLAW_SURELY_UNSET_VARIABLE" in process.env));
  // Keys Deno.env refuses read as unset, as in Node.
  assert.equal(process.env[""], undefined);
  assert.equal(process.env["A=B"], undefined);
  assert.ok(Object.keys(process.env).includes("PATH"));
  assert.throws(() => {
    (process.env as Record<string, string>).OPENCLAW_X = "1";
  }, TypeError);
});

Deno.test("process.exitCode is Deno.exitCode", () => {
  const before = Deno.exitCode;
  try {
    process.exitCode = 3;
    assert.equal(Deno.exitCode, 3);
    Deno.exitCode = 4;
    assert.equal(process.exitCode, 4);
  } finally {
    Deno.exitCode = before;
  }
});

Deno.test("process.execArgv and versions say: no node --eval, no electron", () => {
  assert.deepEqual(process.execArgv, []);
  assert.equal(process.versions.electron, undefined);
  assert.equal(process.versions.deno, Deno.version.deno);
});

Deno.test("process: argv, stdout/stderr.write, isTTY and exit in a child process", async () => {
  await using dir = await tempDir();
  const script = `${dir.path}/probe.ts`;
  await Deno.writeTextFile(
    script,
    `import { process } from ${JSON.stringify(SHIM_URL)};
process.stdout.write(JSON.stringify({
  argv: process.argv,
  isTTY: process.stdout.isTTY,
  columns: process.stdout.columns ?? null,
}) + "\\n");
process.stdout.write(new TextEncoder().encode("bytes\\n"));
process.stderr.write("to stderr\\n");
process.exit(3);
console.log("not reached");
`,
  );
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", script, "a", "--b"],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  const [first, second] = dec.decode(out.stdout).split("\n");
  assert.equal(out.code, 3);
  assert.deepEqual(JSON.parse(first), {
    argv: [Deno.execPath(), await Deno.realPath(script), "a", "--b"],
    isTTY: false,
    columns: null,
  });
  assert.equal(second, "bytes");
  assert.equal(dec.decode(out.stderr), "to stderr\n");
});

Deno.test("stdout.write drops output quietly when the reader has gone", async () => {
  await using dir = await tempDir();
  const script = `${dir.path}/flood.ts`;
  await Deno.writeTextFile(
    script,
    `import { process } from ${JSON.stringify(SHIM_URL)};
const line = "x".repeat(1023) + "\\n";
for (let i = 0; i < 4096; i++) process.stdout.write(line);
process.stderr.write("done\\n");
`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", script],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  // Read one chunk, then hang up, like `openclaw --help | head -1`.
  const reader = child.stdout.getReader();
  await reader.read();
  await reader.cancel();
  const stderr = await new Response(child.stderr).text();
  assert.equal((await child.status).code, 0);
  assert.equal(stderr, "done\n");
});

Deno.test("getColorDepth decides like Node's tty.WriteStream", () => {
  const cases: [Record<string, string>, number][] = [
    [{}, 1],
    [{ TERM: "dumb" }, 1],
    [{ TERM: "xterm" }, 4],
    [{ TERM: "xterm-256color" }, 8],
    [{ TERM: "xterm-kitty" }, 24],
    [{ TERM: "screen" }, 4],
    [{ TERM: "vt100" }, 4],
    [{ TERM: "unknown-term" }, 1],
    [{ TERM: "xterm", NO_COLOR: "1" }, 1],
    [{ TERM: "xterm", NO_COLOR: "" }, 4],
    [{ TERM: "xterm", NODE_DISABLE_COLORS: "1" }, 1],
    [{ FORCE_COLOR: "" }, 4],
    [{ FORCE_COLOR: "2" }, 8],
    [{ FORCE_COLOR: "3" }, 24],
    [{ FORCE_COLOR: "0" }, 1],
    [{ TMUX: "/tmp/tmux" }, 24],
    [{ CI: "true" }, 1],
    [{ CI: "true", GITHUB_ACTIONS: "true" }, 24],
    [{ CI: "true", GITLAB_CI: "true" }, 8],
    [{ COLORTERM: "truecolor" }, 24],
    [{ COLORTERM: "yes" }, 4],
    [{ TERM_PROGRAM: "Apple_Terminal" }, 8],
    [{ TERM_PROGRAM: "iTerm.app", TERM_PROGRAM_VERSION: "3.4.0" }, 24],
  ];
  if (Deno.build.os === "windows") return; // Windows decides by OS release instead.
  for (const [env, depth] of cases) {
    assert.equal(getColorDepth(env), depth, JSON.stringify(env));
  }
  assert.equal(process.stdout.hasColors({ TERM: "xterm" }), true);
  assert.equal(process.stdout.hasColors({ TERM: "dumb" }), false);
  assert.equal(process.stdout.hasColors(256, { TERM: "xterm" }), false);
  assert.equal(process.stdout.hasColors(256, { TERM: "xterm-256color" }), true);
});

Deno.test("stripVTControlCharacters removes colours and hyperlinks, nothing else", () => {
  assert.equal(stripVTControlCharacters("\x1b[1m\x1b[31mred\x1b[39m\x1b[22m"), "red");
  assert.equal(
    stripVTControlCharacters("see \x1b]8;;https://docs.openclaw.ai\x07docs\x1b]8;;\x07."),
    "see docs.",
  );
  assert.equal(stripVTControlCharacters("\x1b]8;;x\x1b\\link\x1b]8;;\x1b\\"), "link");
  assert.equal(stripVTControlCharacters("plain [1m] text…"), "plain [1m] text…");
  assert.throws(() => stripVTControlCharacters(1 as never), TypeError);
});

Deno.test("basename and extname split paths like node:path (posix)", () => {
  if (Deno.build.os === "windows") return;
  assert.equal(basename("/usr/lib/openclaw.ts"), "openclaw.ts");
  assert.equal(basename("/usr/lib/openclaw.ts", ".ts"), "openclaw");
  assert.equal(basename("/usr/lib/"), "lib");
  assert.equal(basename("/x/.ts", ".ts"), ".ts");
  assert.equal(basename(""), "");
  assert.equal(extname("/a/b.test.ts"), ".ts");
  assert.equal(extname("/a/.bashrc"), "");
  assert.equal(extname("/a/b"), "");
  assert.equal(extname("b."), ".");
  assert.equal(extname(".."), "");
});
