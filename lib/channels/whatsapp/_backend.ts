/**
 * Picks the Baileys functions a login or an adapter uses: the ones the caller injected (tests
 * pass a fake socket factory) and, for whatever is missing, the real package, loaded lazily.
 *
 * @module
 */
import { errorMessage, OpenClawError } from "../../errors.ts";
import { loadBaileysBackend, type WhatsAppBackend } from "./baileys.ts";
import type { MakeWhatsAppSocket, WhatsAppCreds } from "./socket.ts";

/** Injectable parts of the backend. */
export interface BackendOverrides {
  /** @default Baileys `makeWASocket` (configured in baileys.ts) */
  makeSocket?: MakeWhatsAppSocket;
  /** @default Baileys `initAuthCreds` */
  initAuthCreds?: () => WhatsAppCreds;
  /** @default revives Baileys' app-state keys */
  reviveKey?: (type: string, value: unknown) => unknown;
}

/**
 * Resolves the backend, loading Baileys only when something is not injected.
 *
 * @param overrides What the caller injected.
 * @returns A complete backend.
 * @throws {OpenClawError} `WHATSAPP_LIBRARY_UNAVAILABLE` when Baileys cannot be loaded.
 */
export async function resolveBackend(overrides: BackendOverrides): Promise<WhatsAppBackend> {
  const { makeSocket, initAuthCreds } = overrides;
  if (makeSocket && initAuthCreds) {
    return { makeSocket, initAuthCreds, reviveKey: overrides.reviveKey ?? ((_t, v) => v) };
  }
  let real: WhatsAppBackend;
  try {
    real = await loadBaileysBackend();
  } catch (err) {
    throw new OpenClawError(
      "WHATSAPP_LIBRARY_UNAVAILABLE",
      `Cannot load the WhatsApp library (baileys): ${errorMessage(err)}`,
      { cause: err },
    );
  }
  return {
    makeSocket: makeSocket ?? real.makeSocket,
    initAuthCreds: initAuthCreds ?? real.initAuthCreds,
    reviveKey: overrides.reviveKey ?? real.reviveKey,
  };
}
