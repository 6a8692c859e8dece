import assert from "node:assert/strict";
import { KeyedQueue } from "../../../lib/agent/sessions/queue.ts";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => resolve = r);
  return { promise, resolve };
}

Deno.test("KeyedQueue.run() runs tasks of one key one after the other, in order", async () => {
  const q = new KeyedQueue();
  const log: string[] = [];
  const gate = deferred();
  const a = q.run("k", async () => {
    log.push("a:start");
    await gate.promise;
    log.push("a:end");
    return "a";
  });
  const b = q.run("k", () => {
    log.push("b");
    return Promise.resolve("b");
  });
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(log, ["a:start"]);
  assert.equal(q.size("k"), 2);
  gate.resolve();
  assert.deepEqual(await Promise.all([a, b]), ["a", "b"]);
  assert.deepEqual(log, ["a:start", "a:end", "b"]);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(q.size("k"), 0);
});

Deno.test("KeyedQueue.run() runs different keys in parallel", async () => {
  const q = new KeyedQueue();
  const gate = deferred();
  const started: string[] = [];
  const a = q.run("a", async () => {
    started.push("a");
    await gate.promise;
  });
  const b = q.run("b", () => {
    started.push("b");
    return Promise.resolve();
  });
  await b;
  assert.deepEqual(started, ["a", "b"]);
  gate.resolve();
  await a;
});

Deno.test("KeyedQueue.run() goes on after a task fails", async () => {
  const q = new KeyedQueue();
  const failing = q.run("k", () => Promise.reject(new Error("boom")));
  const next = q.run("k", () => Promise.resolve(2));
  await assert.rejects(failing, /boom/);
  assert.equal(await next, 2);
});
