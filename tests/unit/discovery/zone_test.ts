import assert from "node:assert/strict";
import {
  fnv1a32,
  nextSerial,
  planZone,
  readZoneMeta,
  type ZoneInput,
} from "../../../lib/discovery/zone.ts";
import { publishZone } from "../../../gateway/discovery/wide_area.ts";
import { tempDir } from "../../helpers.ts";

const GOLDEN = new URL("./golden/openclaw.internal.db", import.meta.url);
const DEC_1 = Date.UTC(2026, 11, 1, 12);

const input: ZoneInput = {
  domain: "openclaw.internal",
  hostLabel: "studio",
  instanceLabel: "studio-gateway",
  ipv4: "100.101.102.103",
  ipv6: "fd7a:115c:a1e0::1",
  port: 18789,
  txt: [
    ["displayName", 'Anna\'s "Studio"'],
    ["role", "gateway"],
    ["transport", "gateway"],
    ["gatewayPort", "18789"],
    ["tailnetDns", "studio.tail1234.ts.net"],
  ],
};

Deno.test("planZone() renders stock's zone shape (golden file)", async () => {
  const plan = planZone(input, undefined, DEC_1);
  assert.equal(plan.text, await Deno.readTextFile(GOLDEN));
  assert.equal(plan.serial, 2026120101);
  assert.equal(plan.changed, true);
});

Deno.test("planZone() keeps the serial and writes nothing when the content is unchanged", async () => {
  const golden = await Deno.readTextFile(GOLDEN);
  const again = planZone(input, golden, DEC_1 + 86_400_000 * 3);
  assert.equal(again.changed, false);
  assert.equal(again.serial, 2026120101);
  assert.equal(again.text, golden);
});

Deno.test("planZone() bumps the serial when the content changes", async () => {
  const golden = await Deno.readTextFile(GOLDEN);
  const sameDay = planZone({ ...input, port: 19001 }, golden, DEC_1);
  assert.equal(sameDay.changed, true);
  assert.equal(sameDay.serial, 2026120102);
  assert.match(sameDay.text, /IN SRV 0 0 19001 studio/);
  const third = planZone(input, sameDay.text, DEC_1);
  assert.equal(third.serial, 2026120103, "a change back is a change too");
  const nextDay = planZone({ ...input, port: 19001 }, golden, DEC_1 + 86_400_000);
  assert.equal(nextDay.serial, 2026120201, "a new day starts at YYYYMMDD01");
});

Deno.test("nextSerial() never goes backwards", () => {
  assert.equal(nextSerial(undefined, DEC_1), 2026120101);
  assert.equal(nextSerial(2026120105, DEC_1), 2026120106);
  assert.equal(nextSerial(2030010101, DEC_1), 2030010102, "a serial from the future still rises");
  assert.equal(nextSerial(2025010101, DEC_1), 2026120101);
});

Deno.test("readZoneMeta() reads back the hash and serial; fnv1a32() is FNV-1a", () => {
  assert.deepEqual(readZoneMeta(planZone(input, undefined, DEC_1).text), {
    hash: planZone(input, undefined, DEC_1).hash,
    serial: 2026120101,
  });
  assert.deepEqual(readZoneMeta("no zone here"), {});
  assert.equal(fnv1a32(""), "811c9dc5");
  assert.equal(fnv1a32("a"), "e40c292c");
});

Deno.test("publishZone() writes <stateDir>/dns/<domain>.db only with a tailnet IPv4", async () => {
  await using dir = await tempDir();
  const { ipv4: _v4, ipv6: _v6, ...rest } = input;
  const none = publishZone(dir.path, rest, {}, DEC_1);
  assert.equal(none.state, "no-tailnet-ip");
  await assert.rejects(Deno.stat(`${dir.path}/dns/openclaw.internal.db`));

  const first = publishZone(dir.path, rest, { ipv4: "100.101.102.103" }, DEC_1);
  assert.deepEqual(first, {
    state: "written",
    path: `${dir.path}/dns/openclaw.internal.db`,
    serial: 2026120101,
  });
  assert.equal((await Deno.stat(first.path)).mode! & 0o777, 0o644);
  assert.equal((await Deno.stat(`${dir.path}/dns`)).mode! & 0o777, 0o700);
  const second = publishZone(dir.path, rest, { ipv4: "100.101.102.103" }, DEC_1 + 1000);
  assert.equal(second.state, "unchanged");
  const moved = publishZone(dir.path, rest, { ipv4: "100.101.102.104" }, DEC_1 + 2000);
  assert.deepEqual([moved.state, "serial" in moved && moved.serial], ["written", 2026120102]);
  assert.match(await Deno.readTextFile(first.path), /^ns1 IN A 100\.101\.102\.104$/m);
});
