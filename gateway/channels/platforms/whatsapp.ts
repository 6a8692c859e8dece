/**
 * WhatsApp for the channel layer: the WhatsApp Web adapter of lib/channels/whatsapp for one
 * account (its session under `<stateDir>/credentials/whatsapp/<account>/`, or the account's
 * `authDir`), the shared QR login behind `openclaw channels login --channel whatsapp` and
 * `web.login.*`, and logout. An account that is not linked is not started (status: `not linked
 * -- run openclaw channels login --channel whatsapp`) and Baileys is not loaded for it.
 *
 * Outbound recipients: a phone number in E.164 form (`+15551234567`, a DM), or a JID
 * (`...@s.whatsapp.net` / `...@lid` for a person, `...@g.us` for a group); `whatsapp:` prefixes are
 * accepted.
 *
 * **Test seam.** A gateway process cannot reach WhatsApp in tests, so
 * `OPENCLAW_TEST_WHATSAPP_FAKE=<file>.ts` swaps Baileys for a fake from this repository's
 * `tests/fixtures/` (its `createSeams(env)`). It is refused unless `OPENCLAW_TEST=1`, takes a
 * bare file name only (no path, so nothing outside `tests/fixtures/` loads), and fails in a
 * build that does not ship the tests.
 *
 * @module
 */
import {
  chatJidOf,
  createWhatsAppAdapter,
  isGroupJid,
  logoutWhatsApp,
  normalizeE164,
  normalizeJid,
  startWhatsAppLogin,
  type WhatsAppCreds,
  whatsAppSettings,
  type WhatsAppSocket,
  type WhatsAppSocketInit,
} from "../../../lib/channels/whatsapp/mod.ts";
import type { OutboundTarget } from "../../../lib/channels/types.ts";
import { OpenClawError } from "../../../lib/errors.ts";
import type { Env } from "../../../lib/paths.ts";
import type {
  ChannelPlatform,
  PlatformAdapter,
  PlatformInput,
  PlatformLogin,
  PlatformSessionInput,
} from "../types.ts";

/** The environment variable naming the fake Baileys module of a test run. */
export const WHATSAPP_FAKE_ENV = "OPENCLAW_TEST_WHATSAPP_FAKE";

/** What the fake module's `createSeams(env)` returns. */
interface Seams {
  makeSocket(init: WhatsAppSocketInit): WhatsAppSocket | Promise<WhatsAppSocket>;
  initAuthCreds(): WhatsAppCreds;
}

/** The fake Baileys of a test run, or nothing (the real library). */
async function testSeams(env: Env): Promise<Seams | Record<never, never>> {
  const name = env[WHATSAPP_FAKE_ENV]?.trim();
  if (!name) return {};
  if (env.OPENCLAW_TEST !== "1") {
    throw new OpenClawError(
      "CHANNEL_CONFIG_INVALID",
      `Refusing ${WHATSAPP_FAKE_ENV}: only a test run (OPENCLAW_TEST=1) may replace WhatsApp`,
      { hint: `Unset ${WHATSAPP_FAKE_ENV}` },
    );
  }
  if (!/^[a-z0-9_]{1,64}\.ts$/.test(name)) {
    throw new OpenClawError(
      "CHANNEL_CONFIG_INVALID",
      `Refusing ${WHATSAPP_FAKE_ENV}="${
        name.slice(0, 80)
      }": expected a file name under tests/fixtures/`,
    );
  }
  const url = new URL(`../../../tests/fixtures/${name}`, import.meta.url);
  const mod = await import(url.href) as { createSeams?: (env: Env) => Seams };
  if (typeof mod.createSeams !== "function") {
    throw new OpenClawError("CHANNEL_CONFIG_INVALID", `${name} does not export createSeams()`);
  }
  return mod.createSeams(env);
}

async function create(input: PlatformInput): Promise<PlatformAdapter> {
  // Its keepTyping() and logout() are what the channel layer calls.
  return createWhatsAppAdapter({
    account: input.account,
    stateDir: input.stateDir,
    env: input.env,
    clock: input.clock,
    log: input.log,
    ...(await testSeams(input.env)),
  });
}

async function startLogin(input: PlatformSessionInput): Promise<PlatformLogin> {
  const authDir = whatsAppSettings(input.account).authDir;
  return startWhatsAppLogin({
    stateDir: input.stateDir,
    accountId: input.account.accountId,
    ...(authDir ? { authDir } : {}),
    force: input.force === true,
    env: input.env,
    clock: input.clock,
    log: input.log,
    ...(await testSeams(input.env)),
  });
}

async function logout(input: PlatformSessionInput) {
  const authDir = whatsAppSettings(input.account).authDir;
  return await logoutWhatsApp({
    stateDir: input.stateDir,
    accountId: input.account.accountId,
    ...(authDir ? { authDir } : {}),
    env: input.env,
    clock: input.clock,
    log: input.log,
    ...(await testSeams(input.env)),
  });
}

function parseTarget(to: string): OutboundTarget {
  const raw = to.trim().replace(/^(?:whatsapp|wa):/i, "").trim();
  if (raw.includes("@")) return { chatId: normalizeJid(raw) ?? raw };
  return { chatId: normalizeE164(raw) ?? raw };
}

function isDirect(to: string): boolean {
  const jid = chatJidOf(parseTarget(to).chatId);
  return jid !== undefined && !isGroupJid(jid) && /@(s\.whatsapp\.net|lid)$/.test(jid);
}

/** The WhatsApp platform. */
export const platform: ChannelPlatform = {
  label: "WhatsApp",
  detailLabel: "WhatsApp Web",
  // The session on disk is the credential; `configured` comes from the adapter (linked).
  credentialKey: "authDir",
  create,
  isDirect,
  parseTarget,
  directTarget: (senderId) => ({ chatId: senderId }),
  replyTarget: (m) => m.chatId,
  startLogin,
  logout,
};
