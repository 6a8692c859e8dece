/**
 * The credentials of one WhatsApp account on disk, in the layout of Baileys'
 * `useMultiFileAuthState` (so stock's directories keep working): `creds.json` (who we are and
 * our identity keys; the previous version kept as `creds.json.bak`) and one
 * `<type>-<id>.json` file per Signal key. Unlike Baileys' version, every write goes through a
 * temp file, fsync and rename (a crash leaves the old file or the new one, never a torn one),
 * files are 0600 and the directory 0700, and writes to one file never overlap.
 *
 * `clear()` removes only the files this store writes, so a mistyped `authDir` pointing at a
 * directory with other files never loses them.
 *
 * @module
 */
import { errorMessage } from "../../errors.ts";
import { joinPath } from "../../paths.ts";
import type { WhatsAppLogger } from "./_log.ts";
import { parseWithBuffers, stringifyWithBuffers } from "./_buffer_json.ts";
import type { WhatsAppAuthState, WhatsAppCreds, WhatsAppKeyStore } from "./socket.ts";

/** The credentials file. */
export const CREDS_FILE = "creds.json";
/** Its previous version, read when `creds.json` is unreadable. */
export const CREDS_BACKUP_FILE = "creds.json.bak";
/** Key files: `<type>-<id>.json` (type and id made file-safe). */
const KEY_FILE = /^[a-z][a-z0-9-]*-.+\.json$/;
/** Temp files of interrupted writes. */
const TEMP_FILE = /^\..+\.tmp$/;
/** Longest file name most file systems take. */
const MAX_FILE_NAME = 255;

/** Options of {@linkcode WhatsAppAuthStore.open}. */
export interface AuthStoreOptions {
  /** The account's credentials directory (created 0700). */
  dir: string;
  /** Fresh credentials for a new device (Baileys `initAuthCreds`). */
  initCreds: () => WhatsAppCreds;
  /** Turns a stored key back into what Baileys expects (app-state keys are protobuf objects). */
  reviveKey?: (type: string, value: unknown) => unknown;
  /** @default silent */
  log?: WhatsAppLogger;
}

/** Who a stored credential set belongs to. */
export interface LinkedIdentity {
  /** `<digits>:<device>@s.whatsapp.net`. */
  id: string;
  lid?: string;
  name?: string;
}

/** Baileys' file-name rule: `/` -> `__`, `:` -> `-`; also no backslash or NUL. */
function fileNameFor(type: string, id: string): string {
  const name = `${type}-${id}.json`.replace(/\//g, "__").replace(/:/g, "-")
    .replace(/[\\\0]/g, "_");
  if (name.length > MAX_FILE_NAME) {
    throw new RangeError(`Cannot store WhatsApp key "${type}": id is too long`);
  }
  return name;
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
}

async function writeAtomic(path: string, text: string, durable: boolean): Promise<void> {
  const slash = path.lastIndexOf("/");
  const rand = crypto.getRandomValues(new Uint32Array(1))[0].toString(36);
  const tmp = `${path.slice(0, slash)}/.${path.slice(slash + 1)}.${rand}.tmp`;
  try {
    const file = await Deno.open(tmp, { write: true, createNew: true, mode: 0o600 });
    try {
      const data = new TextEncoder().encode(text);
      let off = 0;
      while (off < data.length) off += await file.write(data.subarray(off));
      if (durable) await file.sync();
    } finally {
      file.close();
    }
    // createNew honours the umask; chmod makes the mode exact.
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, 0o600);
    await Deno.rename(tmp, path);
  } catch (err) {
    await Deno.remove(tmp).catch(() => {});
    throw err;
  }
}

function identityOf(creds: unknown): LinkedIdentity | undefined {
  const me = (creds as { me?: { id?: unknown; lid?: unknown; name?: unknown } } | null)?.me;
  if (!me || typeof me.id !== "string" || me.id === "") return undefined;
  const out: LinkedIdentity = { id: me.id };
  if (typeof me.lid === "string") out.lid = me.lid;
  if (typeof me.name === "string") out.name = me.name;
  return out;
}

/**
 * Reads who an auth directory is linked as, without loading Baileys (for status and for
 * deciding whether a channel can start).
 *
 * @param dir The account's credentials directory.
 * @returns The linked identity, or `undefined` when the directory holds no linked credentials.
 */
export async function readLinkedIdentity(dir: string): Promise<LinkedIdentity | undefined> {
  for (const file of [CREDS_FILE, CREDS_BACKUP_FILE]) {
    try {
      const text = await readText(joinPath(dir, file));
      if (text !== undefined) return identityOf(JSON.parse(text));
    } catch { /* unreadable: try the backup */ }
  }
  return undefined;
}

/**
 * {@linkcode readLinkedIdentity}, synchronously (for an adapter's status right after it was
 * created; `creds.json` is a few KB).
 *
 * @param dir The account's credentials directory.
 * @returns The linked identity, or `undefined`.
 */
export function readLinkedIdentitySync(dir: string): LinkedIdentity | undefined {
  for (const file of [CREDS_FILE, CREDS_BACKUP_FILE]) {
    try {
      return identityOf(JSON.parse(Deno.readTextFileSync(joinPath(dir, file))));
    } catch { /* missing or unreadable: try the backup */ }
  }
  return undefined;
}

/** One account's credentials (see the module doc). */
export class WhatsAppAuthStore {
  readonly dir: string;
  /** What the socket logs in with; Baileys mutates `creds` in place. */
  readonly state: WhatsAppAuthState;
  readonly #reviveKey?: (type: string, value: unknown) => unknown;
  readonly #log?: WhatsAppLogger;
  /** The write in flight per file, so two writes of one file never overlap. */
  readonly #writes = new Map<string, Promise<void>>();

  private constructor(dir: string, creds: WhatsAppCreds, options: AuthStoreOptions) {
    this.dir = dir;
    this.#reviveKey = options.reviveKey;
    this.#log = options.log;
    const keys: WhatsAppKeyStore = {
      get: (type, ids) => this.#getKeys(type, ids),
      set: (data) => this.#setKeys(data),
    };
    this.state = { creds, keys };
  }

  /**
   * Opens (creating 0700) an account's directory and loads its credentials: `creds.json`,
   * else `creds.json.bak`, else fresh ones from `initCreds`.
   *
   * @param options The directory and the Baileys helpers.
   * @returns The store.
   * @throws {Deno.errors.NotADirectory} When `dir` exists and is not a directory.
   */
  static async open(options: AuthStoreOptions): Promise<WhatsAppAuthStore> {
    const dir = options.dir;
    await Deno.mkdir(dir, { recursive: true, mode: 0o700 });
    const info = await Deno.stat(dir);
    if (!info.isDirectory) {
      throw new Deno.errors.NotADirectory(`Cannot use "${dir}" for WhatsApp credentials`);
    }
    if (Deno.build.os !== "windows") await Deno.chmod(dir, 0o700);
    let creds: WhatsAppCreds | undefined;
    for (const file of [CREDS_FILE, CREDS_BACKUP_FILE]) {
      try {
        const text = await readText(joinPath(dir, file));
        if (text === undefined) continue;
        const parsed = parseWithBuffers(text);
        if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) {
          creds = parsed as WhatsAppCreds;
          break;
        }
      } catch (err) {
        options.log?.warn("WhatsApp credentials file {file} is unreadable: {reason}", {
          file,
          reason: errorMessage(err),
        });
      }
    }
    return new WhatsAppAuthStore(dir, creds ?? options.initCreds(), options);
  }

  /** Who the credentials are linked as (`undefined` until a phone scanned a QR code). */
  get identity(): LinkedIdentity | undefined {
    return identityOf(this.state.creds);
  }

  /** True once a phone linked this device. */
  get linked(): boolean {
    return this.identity !== undefined;
  }

  /**
   * Merges `update` into the credentials (Baileys already did; merging twice is harmless) and
   * writes `creds.json`, keeping the previous file as `creds.json.bak`.
   *
   * @param update The `creds.update` payload.
   */
  async saveCreds(update: Partial<WhatsAppCreds> = {}): Promise<void> {
    Object.assign(this.state.creds, update);
    await this.#serial(CREDS_FILE, async () => {
      const path = joinPath(this.dir, CREDS_FILE);
      const previous = await readText(path);
      if (previous !== undefined) {
        await writeAtomic(joinPath(this.dir, CREDS_BACKUP_FILE), previous, true);
      }
      await writeAtomic(path, stringifyWithBuffers(this.state.creds), true);
    });
  }

  /** Resolves once every write started so far has finished. */
  async flush(): Promise<void> {
    while (this.#writes.size > 0) {
      await Promise.allSettled([...this.#writes.values()]);
    }
  }

  /**
   * Deletes the stored credentials (the files this store writes, then the directory if that
   * leaves it empty) and starts over with fresh ones.
   *
   * @param initCreds Fresh credentials for the next login.
   */
  async clear(initCreds: () => WhatsAppCreds): Promise<void> {
    await this.flush();
    await clearAuthDir(this.dir);
    for (const key of Object.keys(this.state.creds)) delete this.state.creds[key];
    Object.assign(this.state.creds, initCreds());
    await Deno.mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  async #serial(file: string, write: () => Promise<void>): Promise<void> {
    const previous = this.#writes.get(file) ?? Promise.resolve();
    const next = previous.catch(() => {}).then(write);
    const tracked = next.finally(() => {
      if (this.#writes.get(file) === tracked) this.#writes.delete(file);
    });
    this.#writes.set(file, tracked);
    await tracked;
  }

  async #getKeys(type: string, ids: string[]): Promise<Record<string, unknown>> {
    const out: Record<string, unknown> = Object.create(null);
    for (const id of ids) {
      const file = fileNameFor(type, id);
      await this.#writes.get(file)?.catch(() => {});
      let value: unknown = null;
      try {
        const text = await readText(joinPath(this.dir, file));
        if (text !== undefined) value = parseWithBuffers(text);
      } catch (err) {
        this.#log?.warn("WhatsApp key file {file} is unreadable: {reason}", {
          file,
          reason: errorMessage(err),
        });
      }
      if (value !== null && this.#reviveKey) value = this.#reviveKey(type, value);
      out[id] = value;
    }
    return out;
  }

  async #setKeys(data: Record<string, Record<string, unknown>>): Promise<void> {
    const tasks: Promise<void>[] = [];
    for (const [type, entries] of Object.entries(data)) {
      for (const [id, value] of Object.entries(entries ?? {})) {
        const file = fileNameFor(type, id);
        const path = joinPath(this.dir, file);
        tasks.push(this.#serial(file, async () => {
          if (value === null || value === undefined) {
            await Deno.remove(path).catch((err) => {
              if (!(err instanceof Deno.errors.NotFound)) throw err;
            });
          } else {
            await writeAtomic(path, stringifyWithBuffers(value), true);
          }
        }));
      }
    }
    await Promise.all(tasks);
  }
}

/**
 * Deletes the credential files of an auth directory (and the directory, when that empties it).
 * Files this store did not write are left alone.
 *
 * @param dir The account's credentials directory.
 * @returns True when there was something to delete.
 */
export async function clearAuthDir(dir: string): Promise<boolean> {
  let removed = false;
  try {
    for await (const entry of Deno.readDir(dir)) {
      const ours = entry.isFile &&
        (entry.name === CREDS_FILE || entry.name === CREDS_BACKUP_FILE ||
          KEY_FILE.test(entry.name) || TEMP_FILE.test(entry.name));
      if (!ours) continue;
      await Deno.remove(joinPath(dir, entry.name)).catch(() => {});
      removed = true;
    }
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return false;
    throw err;
  }
  await Deno.remove(dir).catch(() => {}); // only succeeds when empty
  return removed;
}
