/**
 * SecretRef secrets: providers (`env`, `file`, `exec`), the startup snapshot the gateway serves
 * credentials from, and the audit/configure helpers behind `openclaw secrets`.
 *
 * @example Resolve a config's refs once
 * ```ts
 * import { applySecretSnapshot, resolveSecretRefs } from "./mod.ts";
 * const snapshot = await resolveSecretRefs(config);
 * const token = snapshot.get({ source: "env", provider: "default", id: "GATEWAY_TOKEN" });
 * const plain = applySecretSnapshot(config, snapshot); // in memory only
 * ```
 *
 * @module
 */
export { applySecretSnapshot } from "./apply.ts";
export { auditExitCode, auditSecrets } from "./audit.ts";
export type { AuditCode, AuditFinding, AuditOptions, SecretsAuditReport } from "./audit.ts";
export { clientSecretResolver } from "./client.ts";
export { collectSecretRefs, type SecretRefUse } from "./collect.ts";
export {
  DEFAULT_FILE_PROVIDER_ALIAS,
  listMovableSecrets,
  moveSecretToProvider,
  suggestEnvVarName,
  suggestJsonPointer,
} from "./configure.ts";
export type { MoveSecretOptions, MoveSecretResult, SecretTarget } from "./configure.ts";
export { DEFAULT_EXEC_MAX_OUTPUT_BYTES, DEFAULT_EXEC_TIMEOUT_MS } from "./exec_provider.ts";
export { DEFAULT_FILE_MAX_BYTES, fileProviderPath, SINGLE_VALUE_ID } from "./file_provider.ts";
export {
  formatJsonPointer,
  parseJsonPointer,
  readJsonPointer,
  setJsonPointer,
} from "./json_pointer.ts";
export { maskSecrets, SECRET_MASK } from "./mask.ts";
export { findPlaintextSecrets, type PlaintextSecret } from "./plaintext.ts";
export { isSecretRef, type SecretRef, secretRefKey } from "./ref.ts";
export {
  providerForRef,
  type RefOutcome,
  type ResolveOptions,
  resolveRefOutcomes,
} from "./resolve.ts";
export {
  createSecretSnapshot,
  emptySecretSnapshot,
  resolveSecretRefs,
  type SecretSnapshot,
  type SecretWarning,
} from "./snapshot.ts";
export type { SecretProviderConfig } from "./types.ts";
