// The claim note (`<stateDir>/tailscale/claim.json`) a gateway leaves for its successor: read
// back exactly as written, and anything that is not such a note reads as no note at all, so a
// bad file can never make the next start signal a wrong process.
import assert from "node:assert/strict";
import {
  type ClaimRecord,
  readClaimRecord,
  writeClaimRecord,
} from "../../../gateway/tailscale/claim_record.ts";
import { tempDir } from "../../helpers.ts";

const RECORD: ClaimRecord = {
  pid: 4242,
  mode: "serve",
  targetPort: 40_001,
  gatewayPort: 18_789,
  startedAt: "2026-01-02T03:04:05.000Z",
};

/** Writes `text` as the claim note of a fresh state dir and reads it back. */
async function readBack(text: string): Promise<ClaimRecord | undefined> {
  await using dir = await tempDir();
  await Deno.mkdir(`${dir.path}/tailscale`);
  await Deno.writeTextFile(`${dir.path}/tailscale/claim.json`, text);
  return readClaimRecord(dir.path);
}

/** Asserts that each variant of the record reads as no note. */
async function assertRefused(variants: Record<string, unknown>[]) {
  for (const v of variants) {
    assert.equal(await readBack(JSON.stringify({ ...RECORD, ...v })), undefined, JSON.stringify(v));
  }
}

Deno.test("a written claim note reads back as written; fields it does not know are dropped", async () => {
  await using dir = await tempDir();
  assert.equal(readClaimRecord(dir.path), undefined, "no note yet");
  writeClaimRecord(dir.path, RECORD);
  assert.deepEqual(readClaimRecord(dir.path), RECORD);
  assert.deepEqual(await readBack(JSON.stringify({ ...RECORD, note: "x" })), RECORD);
  assert.deepEqual(
    await readBack(
      JSON.stringify({ ...RECORD, mode: "funnel", targetPort: 1, gatewayPort: 65535 }),
    ),
    { ...RECORD, mode: "funnel", targetPort: 1, gatewayPort: 65535 },
  );
});

Deno.test("a claim note that is not a JSON object reads as no note", async () => {
  for (const text of ["", "{", "[]", "null", '"claim"', "4242"]) {
    assert.equal(await readBack(text), undefined, text);
  }
});

Deno.test("a claim note without a positive whole pid reads as no note", async () => {
  await assertRefused([
    { pid: undefined },
    { pid: 0 },
    { pid: -1 },
    { pid: 1.5 },
    { pid: 2 ** 53 },
    { pid: "4242" },
    { pid: null },
  ]);
});

Deno.test("a claim note whose mode is not serve or funnel reads as no note", async () => {
  await assertRefused([{ mode: undefined }, { mode: "off" }, { mode: "SERVE" }, { mode: 1 }]);
});

Deno.test("a claim note whose target port is not 1-65535 reads as no note", async () => {
  await assertRefused([
    { targetPort: undefined },
    { targetPort: 0 },
    { targetPort: 65536 },
    { targetPort: 80.5 },
    { targetPort: "40001" },
  ]);
});

Deno.test("a claim note whose gateway port is not 1-65535 reads as no note", async () => {
  await assertRefused([
    { gatewayPort: undefined },
    { gatewayPort: 0 },
    { gatewayPort: 65536 },
    { gatewayPort: 1e3 + 0.1 },
    { gatewayPort: null },
  ]);
});

Deno.test("a claim note without a start time string reads as no note", async () => {
  await assertRefused([{ startedAt: undefined }, { startedAt: 1_700_000_000_000 }]);
});

Deno.test("a claim note far bigger than any record reads as no note", async () => {
  const padded = JSON.stringify({ ...RECORD, padding: "x".repeat(70_000) });
  assert.equal(await readBack(padded), undefined);
});
