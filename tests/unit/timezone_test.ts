/**
 * Time zones without ICU where UTC is all there is: the host's zone read from the OS, UTC's
 * names validated and UTC's calendar day taken without an `Intl.DateTimeFormat` (whose first use
 * keeps ~6 MB of ICU data resident); every other zone still goes to Intl.
 */
import assert from "node:assert/strict";
import { hostTimeZone, isUtcZone, isValidTimeZone, utcHostZone } from "../../lib/timezone.ts";
import { dayKey } from "../../lib/heartbeat/state_store.ts";

/** Counts `Intl.DateTimeFormat` constructions while `fn` runs. */
function countIntl(fn: () => void): number {
  const real = Intl.DateTimeFormat;
  let made = 0;
  const spy = function (this: unknown, ...args: ConstructorParameters<typeof real>) {
    made++;
    return new real(...args);
  } as unknown as typeof Intl.DateTimeFormat;
  spy.supportedLocalesOf = real.supportedLocalesOf;
  Object.defineProperty(Intl, "DateTimeFormat", { value: spy, configurable: true, writable: true });
  try {
    fn();
  } finally {
    Object.defineProperty(Intl, "DateTimeFormat", {
      value: real,
      configurable: true,
      writable: true,
    });
  }
  return made;
}

const link = (to: string | undefined) => () => to;

Deno.test("a host whose /etc/localtime links to a UTC zone file is UTC, read without Intl", () => {
  assert.equal(
    utcHostZone({ tz: undefined, localtimeLink: link("/usr/share/zoneinfo/Etc/UTC") }),
    "UTC",
  );
  assert.equal(
    utcHostZone({ tz: undefined, localtimeLink: link("../usr/share/zoneinfo/UTC") }),
    "UTC",
  );
  assert.equal(utcHostZone({ tz: "Etc/UTC", localtimeLink: link(undefined) }), "UTC");
  assert.equal(utcHostZone({ tz: ":UTC", localtimeLink: link(undefined) }), "UTC");
});

Deno.test("any other host zone is left to Intl (TZ wins over /etc/localtime, as ICU reads it)", () => {
  const utcFile = link("/usr/share/zoneinfo/Etc/UTC");
  assert.equal(utcHostZone({ tz: "Europe/Berlin", localtimeLink: utcFile }), undefined);
  assert.equal(utcHostZone({ tz: "", localtimeLink: utcFile }), undefined);
  assert.equal(utcHostZone({ tz: "EST5EDT", localtimeLink: utcFile }), undefined);
  assert.equal(
    utcHostZone({ tz: undefined, localtimeLink: link("/usr/share/zoneinfo/Asia/Tokyo") }),
    undefined,
  );
  assert.equal(utcHostZone({ tz: undefined, localtimeLink: link(undefined) }), undefined);
  assert.equal(utcHostZone({ tz: undefined, localtimeLink: link("/etc/somewhere") }), undefined);
});

Deno.test("the host zone agrees with Intl on this machine", () => {
  assert.equal(hostTimeZone(), Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC");
});

Deno.test("UTC's names are valid without Intl; Intl decides the rest", () => {
  const names = ["UTC", "UCT", "Universal", "Zulu", "GMT", "GMT0", "GMT+0", "GMT-0", "Greenwich"];
  for (const name of names.flatMap((n) => [n, `Etc/${n}`])) {
    assert.equal(isUtcZone(name), true, name);
    assert.equal(
      new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone,
      "UTC",
    );
  }
  assert.equal(countIntl(() => assert.equal(isValidTimeZone("Etc/UTC"), true)), 0);
  assert.equal(isValidTimeZone("Mars/Olympus_Mons"), false);
  assert.equal(isValidTimeZone("Asia/Shanghai"), true);
});

Deno.test("a UTC calendar day needs no Intl, and other zones still turn the day at their midnight", () => {
  const lateEvening = Date.UTC(2026, 0, 1, 20, 30);
  assert.equal(countIntl(() => assert.equal(dayKey(lateEvening, "UTC"), "2026-01-01")), 0);
  assert.equal(
    countIntl(() => assert.equal(dayKey(lateEvening + 1000, "Etc/UTC"), "2026-01-01")),
    0,
  );
  assert.equal(dayKey(lateEvening + 2000, "Asia/Shanghai"), "2026-01-02");
  assert.equal(dayKey(Date.UTC(2026, 0, 1, 23, 59, 59), "UTC"), "2026-01-01");
  assert.equal(dayKey(Date.UTC(2026, 0, 2, 0, 0, 0), "UTC"), "2026-01-02");
});
