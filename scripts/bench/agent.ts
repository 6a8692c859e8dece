/**
 * The gateway's added latency on `/v1/chat/completions`: the same streaming request sent to the
 * fake provider directly and through the gateway (agent turn + transcript + SSE re-framing),
 * time to first streamed byte and to the end, p50/p99.
 */
import { startFakeProvider } from "../../tests/fixtures/fake_providers/mod.ts";
import { freePort } from "./gateway.ts";

interface Timing {
  firstByteMs: number;
  totalMs: number;
}

async function timeStream(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<Timing> {
  const t0 = performance.now();
  const r = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  if (!r.ok || !r.body) throw new Error(`${url}: HTTP ${r.status} ${await r.text()}`);
  const reader = r.body.getReader();
  let first = -1;
  while (true) {
    const { done } = await reader.read();
    if (first < 0) first = performance.now() - t0;
    if (done) break;
  }
  return { firstByteMs: first, totalMs: performance.now() - t0 };
}

function pct(samples: number[], q: number): number {
  const s = samples.slice().sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

/** Result rows: direct vs through the gateway. */
export interface AddedLatency {
  direct: { ttfb50: number; ttfb99: number; total50: number; total99: number };
  gateway: { ttfb50: number; ttfb99: number; total50: number; total99: number };
}

/** Measures `runs` streaming requests each way. */
export async function measureAddedLatency(
  entry: string,
  env: Record<string, string>,
  runs = 40,
): Promise<AddedLatency> {
  const text = "The quick brown fox jumps over the lazy dog. ".repeat(4);
  await using fake = await startFakeProvider({ kind: "openai-completions", defaultTurn: { text } });
  const home = env.HOME;
  const token = "bench-agent-token-0123456789";
  const port = freePort();
  await Deno.writeTextFile(
    `${home}/.openclaw/openclaw.json`,
    `{ gateway: { mode: "local", auth: { mode: "token", token: "${token}" },
         http: { endpoints: { chatCompletions: { enabled: true } } } },
       models: { mode: "replace", providers: { fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] } } },
       agents: { defaults: { model: "fake/m1" } } }`,
  );
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--quiet", entry, "gateway", "--port", String(port)],
    env,
    stdout: "null",
    stderr: "null",
  }).spawn();
  try {
    for (let i = 0; i < 200; i++) {
      try {
        const r = await fetch(`http://127.0.0.1:${port}/readyz`);
        await r.body?.cancel();
        if (r.ok) break;
      } catch { /* starting */ }
      await new Promise((r) => setTimeout(r, 25));
    }
    const direct: Timing[] = [];
    const viaGateway: Timing[] = [];
    const directBody = { model: "m1", stream: true, messages: [{ role: "user", content: "hi" }] };
    const gwBody = { model: "openclaw", stream: true, messages: [{ role: "user", content: "hi" }] };
    for (let i = 0; i < 5; i++) {
      await timeStream(`${fake.baseUrl}/chat/completions`, directBody, {});
      await timeStream(`http://127.0.0.1:${port}/v1/chat/completions`, gwBody, {
        Authorization: `Bearer ${token}`,
      });
    }
    for (let i = 0; i < runs; i++) {
      direct.push(await timeStream(`${fake.baseUrl}/chat/completions`, directBody, {}));
      viaGateway.push(
        await timeStream(`http://127.0.0.1:${port}/v1/chat/completions`, gwBody, {
          Authorization: `Bearer ${token}`,
        }),
      );
    }
    const sum = (t: Timing[]) => ({
      ttfb50: pct(t.map((x) => x.firstByteMs), 0.5),
      ttfb99: pct(t.map((x) => x.firstByteMs), 0.99),
      total50: pct(t.map((x) => x.totalMs), 0.5),
      total99: pct(t.map((x) => x.totalMs), 0.99),
    });
    return { direct: sum(direct), gateway: sum(viaGateway) };
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}
