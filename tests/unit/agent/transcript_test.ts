import assert from "node:assert/strict";
import {
  appendTranscriptLines,
  ensureTranscript,
  parseTranscript,
  readTranscript,
  transcriptHeader,
  TranscriptWriter,
} from "../../../lib/agent/sessions/transcript.ts";

Deno.test("parseTranscript() skips a torn last line and junk lines", () => {
  const text = [
    JSON.stringify({ type: "session", version: 3, id: "s", timestamp: "t", cwd: "/" }),
    JSON.stringify({
      type: "message",
      id: "a",
      parentId: null,
      timestamp: "t",
      message: { role: "user", content: "hi" },
    }),
    "not json",
    JSON.stringify([1, 2]),
    JSON.stringify({ type: "message", id: "b", parentId: "a", timestamp: "t" }),
    '{"type":"message","id":"c","parentId":"a","timest',
  ].join("\n");
  const parsed = parseTranscript(text);
  assert.equal(parsed.header?.id, "s");
  assert.deepEqual(parsed.entries.map((e) => e.id), ["a"]);
  assert.equal(parsed.skipped, 4);
});

Deno.test("readTranscript() reads a missing file as empty", async () => {
  assert.deepEqual(await readTranscript("/nonexistent/x.jsonl"), { entries: [], skipped: 0 });
});

Deno.test("appendTranscriptLines() starts a fresh line after a torn one", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/s.jsonl`;
  try {
    await ensureTranscript(path, transcriptHeader("s", "/ws", 0));
    await Deno.writeTextFile(path, '{"type":"message","id":"torn","mess', { append: true });
    const writer = new TranscriptWriter(path, null, () => 1000);
    await writer.append({ type: "message", message: { role: "user", content: "after" } });
    const parsed = await readTranscript(path);
    assert.equal(parsed.skipped, 1);
    assert.equal(parsed.entries.length, 1);
    assert.equal((parsed.entries[0] as { message: { content: string } }).message.content, "after");
    assert.equal(parsed.header?.version, 3);
    const info = await Deno.stat(path);
    assert.equal(info.mode! & 0o777, 0o600);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TranscriptWriter.append() chains parentIds and writes stock's key order", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/s.jsonl`;
  try {
    const writer = new TranscriptWriter(path, "prev0001", () => Date.UTC(2026, 0, 1));
    const a = await writer.append({ type: "model_change", provider: "p", modelId: "m" });
    const b = await writer.append({ type: "thinking_level_change", thinkingLevel: "low" });
    assert.equal(a.parentId, "prev0001");
    assert.equal(b.parentId, a.id);
    assert.match(a.id, /^[0-9a-f]{8}$/);
    const first = (await Deno.readTextFile(path)).split("\n")[0];
    assert.ok(first.startsWith(`{"type":"model_change","id":"${a.id}","parentId":"prev0001",`));
    assert.match(first, /"timestamp":"2026-01-01T00:00:00.000Z"/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ensureTranscript() leaves an existing transcript alone", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/s.jsonl`;
  try {
    await ensureTranscript(path, transcriptHeader("s", "/a", 0));
    await ensureTranscript(path, transcriptHeader("other", "/b", 0));
    const text = await Deno.readTextFile(path);
    assert.equal(text.trim().split("\n").length, 1);
    assert.match(text, /"id":"s"/);
    await appendTranscriptLines(path, []);
    assert.equal(await Deno.readTextFile(path), text);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TranscriptWriter: staged entries land together on commit, after the header of a new file", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/sessions/s.jsonl`;
  try {
    const writer = new TranscriptWriter(path, null, () => 0, {
      header: transcriptHeader("s", "/ws", 0),
    });
    const change = writer.add({ type: "thinking_level_change", thinkingLevel: "low" });
    const user = writer.add({ type: "message", message: { role: "user", content: "hi" } });
    assert.equal(writer.staged, 2);
    assert.equal(user.parentId, change.id, "staged entries chain like written ones");
    await assert.rejects(Deno.stat(path), Deno.errors.NotFound, "nothing is written before commit");
    await writer.commit();
    assert.equal(writer.staged, 0);
    const parsed = await readTranscript(path);
    assert.equal(parsed.header?.id, "s");
    assert.deepEqual(parsed.entries.map((e) => e.id), [change.id, user.id]);
    const answer = await writer.append({
      type: "message",
      message: { role: "assistant", content: [] },
    });
    const again = await readTranscript(path);
    assert.deepEqual(again.entries.map((e) => e.id), [change.id, user.id, answer.id]);
    assert.equal(again.skipped, 0);
    assert.equal((await Deno.readTextFile(path)).match(/"type":"session"/g)?.length, 1);
    await writer.commit();
    assert.equal((await readTranscript(path)).entries.length, 3, "an empty commit writes nothing");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("TranscriptWriter: a failed commit drops its entries and chains from the last written one", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/file`, "");
    const writer = new TranscriptWriter(`${dir}/file/s.jsonl`, "prev0001");
    writer.add({ type: "model_change", provider: "p", modelId: "m" });
    await assert.rejects(writer.commit());
    assert.equal(writer.staged, 0);
    assert.equal(writer.lastId, "prev0001");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
