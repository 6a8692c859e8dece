/**
 * The only module that loads Baileys, and only through a dynamic `import()` when a WhatsApp
 * socket is really needed (a configured channel starts, or someone logs in), so the gateway's
 * start path and every other command never load it (it pulls in protobuf, libsignal and a
 * WebAssembly bridge: about half a second and tens of MB).
 *
 * **Version.** `baileys@7.0.0-rc14`, the release stock OpenClaw pins. The `latest` dist-tag
 * (6.17.16) depends on `libsignal` straight from a GitHub repository, which Deno's npm
 * resolver (and an offline registry mirror) cannot install; the 7.0 line takes `libsignal`
 * from npm and loads under Deno as it is.
 *
 * The socket is configured as stock configures it: our auth state behind Baileys' key cache,
 * `browser` naming openclaw in "Linked devices", no QR printing (we render it), no full history
 * sync, not marked online on connect (the phone keeps getting notifications), and Baileys'
 * own pino logging routed into ours at debug level.
 *
 * @module
 */
import type { AuthenticationCreds, AuthenticationState, SignalKeyStore } from "baileys";
import { errorMessage } from "../../errors.ts";
import type { WhatsAppLogger } from "./_log.ts";
import type { MakeWhatsAppSocket, WhatsAppCreds, WhatsAppSocket } from "./socket.ts";

/** What the adapter and the login routine need from Baileys. */
export interface WhatsAppBackend {
  makeSocket: MakeWhatsAppSocket;
  /** Fresh credentials for a new device (`initAuthCreds`). */
  initAuthCreds(): WhatsAppCreds;
  /** Turns a stored key into what Baileys expects (`app-state-sync-key` is a protobuf). */
  reviveKey(type: string, value: unknown): unknown;
}

type BaileysModule = typeof import("baileys");
/** Baileys' logger interface (`ILogger`, not exported by the package index). */
type ILogger = NonNullable<Parameters<BaileysModule["makeWASocket"]>[0]["logger"]>;

let loading: Promise<BaileysModule> | undefined;
let version: Promise<[number, number, number] | undefined> | undefined;

/** Loads Baileys once per process. */
function loadModule(): Promise<BaileysModule> {
  loading ??= import("baileys").catch((err) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

/**
 * The current WhatsApp Web version, asked once per process (WhatsApp refuses clients that are
 * too old, and a release candidate's built-in version ages); Baileys' built-in one when the
 * lookup fails or takes longer than 5 s. `fetchLatestWaWebVersion` asks web.whatsapp.com (the
 * host the socket talks to anyway) and honours the deadline; stock's `fetchLatestBaileysVersion`
 * reads a file on GitHub and ignores any signal.
 */
function webVersion(b: BaileysModule): Promise<[number, number, number] | undefined> {
  version ??= b.fetchLatestWaWebVersion({ signal: AbortSignal.timeout(5000) })
    .then((r) => r.error ? undefined : r.version, () => undefined);
  return version;
}

/** Baileys logs objects first, then a message; ours takes a message and properties. */
function baileysLogger(log: WhatsAppLogger, bindings: Record<string, unknown> = {}): ILogger {
  // Baileys' warnings and errors are its internals (retries, decryption of one message):
  // useful when debugging, noise otherwise, so they go to our debug level; the rest is dropped.
  const line = (obj: unknown, msg?: string) => {
    const text = msg ?? (typeof obj === "string" ? obj : "(no message)");
    const props: Record<string, unknown> = { ...bindings };
    if (typeof obj === "object" && obj !== null) {
      const err = (obj as { err?: unknown; error?: unknown }).err ??
        (obj as { error?: unknown }).error;
      if (err) props.reason = errorMessage(err);
    }
    log.debug(`baileys: ${text}`, props);
  };
  return {
    level: "warn",
    child: (obj: Record<string, unknown>) => baileysLogger(log, { ...bindings, ...obj }),
    trace: () => {},
    debug: () => {},
    info: () => {},
    warn: line,
    error: line,
  };
}

/**
 * Loads Baileys and returns the real socket factory and credential helpers.
 *
 * @returns The backend.
 * @throws When the package cannot be loaded (not installed, incompatible runtime).
 */
export async function loadBaileysBackend(): Promise<WhatsAppBackend> {
  const b = await loadModule();
  const makeSocket: MakeWhatsAppSocket = async (init) => {
    // A custom socket URL is a proxy or a test server: do not ask web.whatsapp.com then.
    const latest = init.webSocketUrl ? undefined : await webVersion(b);
    const logger = baileysLogger(init.log);
    // Our store keeps Baileys' data shapes (see auth_store.ts); only the static types differ.
    const keys = init.auth.keys as unknown as SignalKeyStore;
    const auth: AuthenticationState = {
      creds: init.auth.creds as unknown as AuthenticationCreds,
      keys: b.makeCacheableSignalKeyStore(keys, logger),
    };
    const socket = b.makeWASocket({
      auth,
      logger,
      browser: init.browser,
      printQRInTerminal: false,
      syncFullHistory: false,
      markOnlineOnConnect: false,
      ...(latest ? { version: latest } : {}),
      ...(init.webSocketUrl ? { waWebSocketUrl: init.webSocketUrl } : {}),
    });
    // The real socket has every member of our interface (a test checks the types).
    return socket as unknown as WhatsAppSocket;
  };
  return {
    makeSocket,
    initAuthCreds: () => b.initAuthCreds() as unknown as WhatsAppCreds,
    reviveKey: (type, value) =>
      type === "app-state-sync-key" && typeof value === "object" && value !== null
        ? b.proto.Message.AppStateSyncKeyData.fromObject(value as Record<string, unknown>)
        : value,
  };
}
