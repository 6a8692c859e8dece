/**
 * Reading credential state files for the audit: `<stateDir>/credentials/**\/*.json` (channel
 * credentials, legacy `oauth.json`) with bounded depth and count, and small JSON reads that never
 * throw.
 *
 * @module
 */
import { joinPath } from "../paths.ts";
import type { AuditFinding } from "./audit.ts";
import { findPlaintextSecrets } from "./plaintext.ts";

const MAX_DEPTH = 4;
const MAX_FILES = 500;
const MAX_BYTES = 4 * 1024 * 1024;

/** A JSON state file read without throwing. */
export type StateJson =
  | { ok: true; exists: true; path: string; value: unknown }
  | { ok: false; exists: boolean; path: string };

/** Reads a JSON file; missing, oversized or unparseable files come back `ok: false`. */
export function readStateJson(path: string): StateJson {
  try {
    if (Deno.statSync(path).size > MAX_BYTES) return { ok: false, exists: true, path };
    return { ok: true, exists: true, path, value: JSON.parse(Deno.readTextFileSync(path)) };
  } catch (err) {
    return { ok: false, exists: !(err instanceof Deno.errors.NotFound), path };
  }
}

/** Adds findings for the JSON files under `<stateDir>/credentials`. */
export function scanCredentialState(dir: string, findings: AuditFinding[]): void {
  let files = 0;
  const walk = (d: string, depth: number) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(d)].sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return;
    }
    for (const e of entries) {
      const path = joinPath(d, e.name);
      if (e.isDirectory && depth < MAX_DEPTH) walk(path, depth + 1);
      if (!e.isFile || !e.name.endsWith(".json") || ++files > MAX_FILES) continue;
      if (depth === 0 && e.name === "oauth.json") {
        findings.push({
          code: "LEGACY_RESIDUE",
          severity: "warn",
          path: "<file>",
          file: path,
          message: `Legacy OAuth store ${path} is still present`,
          remediation: "Run openclaw doctor --fix to migrate it into auth profiles, then delete it",
        });
        continue;
      }
      const doc = readStateJson(path);
      for (const hit of doc.ok ? findPlaintextSecrets(doc.value) : []) {
        findings.push({
          code: "PLAINTEXT_FOUND",
          severity: "info",
          path: hit.path,
          file: path,
          message: `${path} holds a plaintext credential at ${hit.path}`,
          remediation: "Keep this file 0600 inside a 0700 state dir; channel credentials cannot " +
            "be SecretRefs",
        });
      }
    }
  };
  walk(dir, 0);
}
