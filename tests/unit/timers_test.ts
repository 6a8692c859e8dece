/**
 * lib/timers.ts: the program's timers, on Deno's core timer list rather than its Node timer layer
 * (which costs ~3 MB of RSS and ~10 ms of CPU on first use).
 */
import assert from "node:assert/strict";
import {
  clearTimer,
  delay,
  setRepeatingTimer,
  setTimer,
  usesCoreTimers,
} from "../../lib/timers.ts";

const ROOT = new URL("../../", import.meta.url);

Deno.test("this Deno runs the program's timers on its core timer list", () => {
  // When a Deno upgrade removes the internal object, timers fall back to the platform's and this
  // test says so: see lib/timers.ts.
  assert.equal(usesCoreTimers, true);
});

Deno.test("timers fire in deadline order, a cleared one never fires, a repeating one repeats until cleared", async () => {
  const seen: string[] = [];
  setTimer(() => seen.push("late"), 30);
  setTimer(() => seen.push("early"), 5);
  const cancelled = setTimer(() => seen.push("cancelled"), 10);
  clearTimer(cancelled);
  clearTimer(undefined);
  let ticks = 0;
  const every = setRepeatingTimer(() => {
    if (++ticks === 3) clearTimer(every);
  }, 2);
  await delay(60);
  assert.deepEqual(seen, ["early", "late"]);
  assert.equal(ticks, 3);
});

Deno.test("a pending timer keeps a process alive; an unref'd one does not", async () => {
  const run = async (code: string) => {
    const t0 = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", `import * as t from "${new URL("lib/timers.ts", ROOT).href}"; ${code}`],
      stdout: "piped",
    }).output();
    return { text: new TextDecoder().decode(out.stdout).trim(), ms: performance.now() - t0 };
  };
  const kept = await run(`t.setTimer(() => console.log("fired"), 300);`);
  assert.equal(kept.text, "fired");
  const dropped = await run(`t.unrefTimer(t.setTimer(() => console.log("fired"), 60_000));`);
  assert.equal(dropped.text, "");
});

Deno.test("the program's code schedules through lib/timers.ts, never the global setTimeout/setInterval", async () => {
  const offenders: string[] = [];
  const walk = async (dir: string) => {
    for await (const e of Deno.readDir(new URL(dir, ROOT))) {
      const path = `${dir}/${e.name}`;
      if (e.isDirectory) await walk(path);
      else if (e.name.endsWith(".ts") && path !== "lib/timers.ts") {
        const text = await Deno.readTextFile(new URL(path, ROOT));
        // A call, not a declaration like Clock's `setTimeout(fn: () => void, ms: number)`.
        const m = /(?<![\w.])(?:set|clear)(?:Timeout|Interval)\((?!\w+\??: )|Deno\.unrefTimer\(/
          .exec(text);
        if (m) offenders.push(`${path}:${text.slice(0, m.index).split("\n").length}`);
      }
    }
  };
  for (const dir of ["lib", "gateway", "cli"]) await walk(dir);
  assert.deepEqual(offenders, []);
});
