// deno-lint-ignore-file no-import-prefix -- browser-only pins, bundled by scripts/build_ui.ts and
// never loaded by the gateway or the CLI, so they stay out of deno.json's import map.
/**
 * @noble/ed25519 + @noble/hashes, pinned: pure-JS Ed25519 and SHA-2 for the device proof where
 * WebCrypto cannot help. A page served over plain HTTP from a LAN address is not a secure
 * context, so `crypto.subtle` is absent there; stock's dashboard works on such origins, so ours
 * must too. Audited, dependency-free, ~5 KB gzipped together.
 *
 * @module
 */
import * as ed25519 from "npm:@noble/ed25519@3.2.0";
import { sha256, sha512 } from "npm:@noble/hashes@2.4.0/sha2.js";

// The synchronous API needs a SHA-512; the default one is WebCrypto's (async, secure-context only).
ed25519.hashes.sha512 = sha512;

export { ed25519, sha256 };
