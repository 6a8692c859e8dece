/** A Map-backed `Storage` stand-in for the dashboard's pure modules. */
import type { KeyValueStore } from "../../../ui/lib/identity.ts";

/** A fresh in-memory store; `map` exposes what was written. */
export function memoryStore(): KeyValueStore & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return {
    map,
    getItem: (k) => map.get(k) ?? null,
    setItem: (k, v) => void map.set(k, v),
    removeItem: (k) => void map.delete(k),
  };
}
