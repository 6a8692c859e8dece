/**
 * Publishing the wide-area zone: `<stateDir>/dns/<domain>.db`, written atomically (dir 0700,
 * file 0644 so a DNS server can read it), only when the machine has a tailnet IPv4 and only
 * when the content changed (the serial is bumped then). lib/discovery/zone.ts renders it.
 *
 * @module
 */
import { ensureDir, writeFileAtomic } from "../../lib/fs/atomic.ts";
import { joinPath } from "../../lib/paths.ts";
import type { TailnetAddresses } from "../../lib/discovery/tailnet.ts";
import { planZone, type ZoneInput } from "../../lib/discovery/zone.ts";

/** Where the zone of `domain` lives. */
export function zoneFilePath(stateDir: string, domain: string): string {
  return joinPath(stateDir, "dns", `${domain}.db`);
}

/** What publishing did. */
export type ZoneOutcome =
  | { state: "written"; path: string; serial: number }
  | { state: "unchanged"; path: string; serial: number }
  | { state: "no-tailnet-ip"; path: string };

/**
 * Writes the zone for `input` unless it is already on disk.
 *
 * @param nowMs Now, from the gateway's clock (the serial's date).
 */
export function publishZone(
  stateDir: string,
  input: Omit<ZoneInput, "ipv4" | "ipv6">,
  addresses: TailnetAddresses,
  nowMs: number,
): ZoneOutcome {
  const path = zoneFilePath(stateDir, input.domain);
  if (!addresses.ipv4) return { state: "no-tailnet-ip", path };
  let previous: string | undefined;
  try {
    previous = Deno.readTextFileSync(path);
  } catch { /* first publish */ }
  const plan = planZone(
    { ...input, ipv4: addresses.ipv4, ...(addresses.ipv6 ? { ipv6: addresses.ipv6 } : {}) },
    previous,
    nowMs,
  );
  if (!plan.changed) return { state: "unchanged", path, serial: plan.serial };
  ensureDir(joinPath(stateDir, "dns"), 0o700);
  writeFileAtomic(path, plan.text, { mode: 0o644 });
  return { state: "written", path, serial: plan.serial };
}
