/**
 * DM pairing over RPC, as stock names and shapes it (reference/channels.md §2.7):
 * `channels.pairing.list`, `channels.pairing.approve` and `channels.pairing.dismiss`, each with
 * the `operator.pairing` scope (`operator.admin` implies it). Approving writes the sender to the
 * channel account's approved senders in stock's file layout (lib/channels/pairing_store.ts); the
 * running channel reads that file, so the next message of the sender is answered.
 *
 * Two additions stock clients never send, so their calls are unchanged: `code` selects a request
 * by its human code instead of the opaque `requestId` (the CLI has the code), and
 * `includeCodes: true` adds each request's `code` to the list (stock hides it).
 *
 * Notifying the approved sender (`notify: true`) goes through optional hooks on the channel
 * subsystem's control object ({@linkcode ChannelPairingHooks}); without them the answer is
 * `notification: "unsupported"`.
 *
 * @module
 */
import { z } from "zod";
import { isOpenClawError } from "../../lib/errors.ts";
import { ChannelPairing, PAIRING_APPROVED_TEXT } from "../../lib/channels/pairing.ts";
import { approvePairing, listPairing, rejectPairing } from "../../lib/channels/pairing_admin.ts";
import { invalidRequest } from "../../lib/protocol/error_map.ts";
import { ADMIN_SCOPE, PAIRING_SCOPE } from "../../lib/protocol/scopes.ts";
import type { GatewayState } from "../state.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

/**
 * What the channel subsystem may offer the pairing methods, as two optional methods on its
 * control object (`state.channels`). Optional: without them approving still works, the sender
 * just is not told (`notification: "unsupported"`).
 */
export interface ChannelPairingHooks {
  /** True when this channel account runs and can send the sender a DM now. */
  canNotifyPairing(channel: string, accountId: string): boolean;
  /**
   * Sends `text` ({@link PAIRING_APPROVED_TEXT}) to the approved sender's DM through the
   * outbound path. Resolves once sent; rejects when the send failed.
   */
  notifyPairingApproved(
    input: { channel: string; accountId: string; senderId: string; text: string },
  ): Promise<void>;
}

/** The hooks, when the running channel subsystem has them (checked by shape). */
function hooksOf(state: GatewayState): ChannelPairingHooks | undefined {
  const control = (state as { channels?: unknown }).channels as
    | Partial<ChannelPairingHooks>
    | undefined;
  return typeof control?.canNotifyPairing === "function" &&
      typeof control.notifyPairingApproved === "function"
    ? control as ChannelPairingHooks
    : undefined;
}

function storeOf(state: GatewayState): ChannelPairing {
  return new ChannelPairing({ stateDir: state.stateDir, clock: state.clock });
}

const id = (max: number) => z.string().max(max).refine((s) => s.trim() !== "", "must not be empty");
const CODE_MAX = 32;
const REQUEST_ID_MAX = 64;

/** A lib error the operator can fix becomes `INVALID_REQUEST` with its code and hint. */
function asRequestError(err: unknown): unknown {
  if (
    isOpenClawError(err) &&
    /^PAIRING_(NOT_FOUND|EXPIRED|CODE_INVALID|CHANNEL_INVALID|UNSUPPORTED|ID_INVALID)$/.test(
      err.code,
    )
  ) {
    return invalidRequest(err.message, { code: err.code, ...(err.hint ? { hint: err.hint } : {}) });
  }
  return err;
}

type Notification = "not-requested" | "sent" | "unsupported" | "failed";

async function notify(
  state: GatewayState,
  requested: boolean | undefined,
  target: { channel: string; accountId: string; senderId: string },
): Promise<Notification> {
  if (!requested) return "not-requested";
  const hooks = hooksOf(state);
  if (!hooks?.canNotifyPairing(target.channel, target.accountId)) return "unsupported";
  try {
    await hooks.notifyPairingApproved({ ...target, text: PAIRING_APPROVED_TEXT });
    return "sent";
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    state.log("channels").warn(
      `pairing approval notice to ${target.channel}/${target.accountId} failed: ${why}`,
    );
    return "failed";
  }
}

const SelectorShape = {
  channel: id(64),
  accountId: z.string().max(64).optional(),
  requestId: id(REQUEST_ID_MAX).optional(),
  code: id(CODE_MAX).optional(),
};

function needsSelector(p: { requestId?: string; code?: string }): boolean {
  return p.requestId !== undefined || p.code !== undefined;
}

/** The pairing methods. */
export const pairingMethods: MethodDefinition[] = [
  defineMethod({
    name: "channels.pairing.list",
    scope: PAIRING_SCOPE,
    params: z.looseObject({
      channel: id(64).optional(),
      accountId: z.string().max(64).optional(),
      includeCodes: z.boolean().optional(),
    }),
    handler: async ({ params, state }) => {
      const hooks = hooksOf(state);
      try {
        return await listPairing(storeOf(state), state.config, state.stateDir, {
          channel: params.channel,
          accountId: params.accountId?.trim() || undefined,
          includeCodes: params.includeCodes,
          canNotify: (channel, accountId) => hooks?.canNotifyPairing(channel, accountId) ?? false,
        });
      } catch (err) {
        throw asRequestError(err);
      }
    },
  }),

  defineMethod({
    name: "channels.pairing.approve",
    // Making the sender the command owner writes the config: an admin decision (stock's Control
    // UI shows it as an admin-only checkbox).
    scope: (params) => params.bootstrapCommandOwner === true ? ADMIN_SCOPE : PAIRING_SCOPE,
    params: z.looseObject({
      ...SelectorShape,
      notify: z.boolean().optional(),
      bootstrapCommandOwner: z.boolean().optional(),
    }).refine(needsSelector, { message: "requestId or code required", path: ["requestId"] }),
    handler: async ({ params, state }) => {
      let approved;
      try {
        approved = await approvePairing(storeOf(state), state.stateDir, params.channel, {
          requestId: params.requestId,
          code: params.code,
          accountId: params.accountId?.trim() || undefined,
        }, state.clock.now());
      } catch (err) {
        throw asRequestError(err);
      }
      state.log("channels").info(
        `pairing approved: ${approved.channel}/${approved.accountId} sender ${approved.senderId}`,
      );
      const notification = await notify(state, params.notify, approved);
      const owners = (state.config.commands as Record<string, unknown> | undefined)
        ?.ownerAllowFrom;
      const ownerSet = Array.isArray(owners) && owners.length > 0;
      return {
        requestId: approved.requestId,
        senderId: approved.senderId,
        channel: approved.channel,
        accountId: approved.accountId,
        notification,
        commandOwnerBootstrap: !params.bootstrapCommandOwner
          ? "not-requested"
          : ownerSet
          ? "already-configured"
          : "unavailable",
      };
    },
  }),

  defineMethod({
    name: "channels.pairing.dismiss",
    scope: PAIRING_SCOPE,
    params: z.looseObject(SelectorShape).refine(needsSelector, {
      message: "requestId or code required",
      path: ["requestId"],
    }),
    handler: async ({ params, state }) => {
      try {
        const dismissed = await rejectPairing(storeOf(state), state.stateDir, params.channel, {
          requestId: params.requestId,
          code: params.code,
          accountId: params.accountId?.trim() || undefined,
        }, state.clock.now());
        state.log("channels").info(
          `pairing rejected: ${dismissed.channel}/${dismissed.accountId} ` +
            `sender ${dismissed.senderId}`,
        );
        return {
          requestId: dismissed.requestId,
          senderId: dismissed.senderId,
          channel: dismissed.channel,
          accountId: dismissed.accountId,
        };
      } catch (err) {
        throw asRequestError(err);
      }
    },
  }),
];
