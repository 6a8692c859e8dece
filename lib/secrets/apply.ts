/**
 * Putting resolved values where the refs were, for code that wants a plain config. The result
 * lives in memory only: it must never be written to disk or sent to a client.
 *
 * @module
 */
import { isSecretRef } from "./ref.ts";
import type { SecretSnapshot } from "./snapshot.ts";

function replace(node: unknown, snapshot: SecretSnapshot): unknown {
  if (isSecretRef(node)) return snapshot.get(node) ?? node;
  if (Array.isArray(node)) return node.map((v) => replace(v, snapshot));
  if (typeof node !== "object" || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) {
    Object.defineProperty(out, k, {
      value: replace(v, snapshot),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

/**
 * Returns a deep copy of `config` with every ref the snapshot resolved replaced by its value;
 * refs it did not resolve (inactive surfaces) stay refs. `config` is not modified.
 */
export function applySecretSnapshot<T>(config: T, snapshot: SecretSnapshot): T {
  return replace(config, snapshot) as T;
}
