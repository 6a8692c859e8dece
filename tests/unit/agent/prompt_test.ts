import assert from "node:assert/strict";
import {
  buildSystemPrompt,
  loadBootstrapFiles,
  truncateMiddle,
} from "../../../lib/agent/prompt.ts";

async function workspace(files: Record<string, string>): Promise<string> {
  const dir = await Deno.makeTempDir({ prefix: "openclaw-ws-" });
  for (const [name, text] of Object.entries(files)) {
    await Deno.writeTextFile(`${dir}/${name}`, text);
  }
  return dir;
}

Deno.test("loadBootstrapFiles() reads the bootstrap files in order and skips missing ones", async () => {
  const dir = await workspace({ "USER.md": "user", "AGENTS.md": "agents", "OTHER.md": "x" });
  try {
    const files = await loadBootstrapFiles(dir, 1000, 5000);
    assert.deepEqual(files.map((f) => f.name), ["AGENTS.md", "USER.md"]);
    assert.deepEqual(await loadBootstrapFiles(`${dir}/missing`, 1000, 5000), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("loadBootstrapFiles() bounds each file and the total", async () => {
  const dir = await workspace({
    "AGENTS.md": "a".repeat(500),
    "SOUL.md": "s".repeat(500),
    "TOOLS.md": "t".repeat(500),
  });
  try {
    const files = await loadBootstrapFiles(dir, 300, 650);
    assert.equal(files[0].content.length, 300);
    assert.equal(files[0].truncatedChars, 200);
    assert.match(files[0].content, /characters truncated/);
    assert.ok(files.reduce((n, f) => n + f.content.length, 0) <= 650);
    assert.equal(files.length, 3);
    assert.ok(files[2].content.length <= 50);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("truncateMiddle() keeps head and tail", () => {
  const { text, cut } = truncateMiddle(`HEAD${"x".repeat(1000)}TAIL`, 200);
  assert.equal(text.length, 200);
  assert.equal(cut, 808);
  assert.ok(text.startsWith("HEAD"));
  assert.ok(text.endsWith("TAIL"));
  assert.equal(truncateMiddle("short", 10).text, "short");
});

Deno.test("buildSystemPrompt() includes identity, tools, files, date and extra text", () => {
  const prompt = buildSystemPrompt({
    agentId: "main",
    identity: { name: "Clawd", emoji: "🦞", theme: "helpful lobster" },
    workspace: "/ws",
    files: [{ name: "SOUL.md", content: "Be kind.", truncatedChars: 0 }],
    tools: [{ name: "memory_get", description: "Read memory" }],
    now: Date.UTC(2026, 0, 2, 3, 4, 5),
    timezone: "UTC",
    extra: "Answer in French.",
  });
  assert.match(prompt, /Your name is Clawd 🦞\./);
  assert.match(prompt, /Persona: helpful lobster\./);
  assert.match(prompt, /- memory_get: Read memory/);
  assert.match(prompt, /Your working directory is: \/ws/);
  assert.match(prompt, /## SOUL\.md\n\nBe kind\./);
  assert.match(prompt, /2026/);
  assert.ok(prompt.trimEnd().endsWith("Answer in French."));
});

Deno.test("buildSystemPrompt() survives an invalid time zone", () => {
  const prompt = buildSystemPrompt({
    agentId: "main",
    workspace: "/ws",
    files: [],
    tools: [],
    now: 0,
    timezone: "Not/AZone",
  });
  assert.match(prompt, /1970-01-01T00:00:00.000Z/);
  assert.doesNotMatch(prompt, /## Tools/);
});
