/**
 * What the WhatsApp, Feishu and QQ end-to-end tests share: a gateway config on the fake model
 * provider with the channel blocks a test gives, an operator connection, and reads of
 * `channels.status`.
 */
import assert from "node:assert/strict";
import type { FakeProvider } from "../fixtures/fake_providers/mod.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";
import { type GatewayProcess, waitUntil } from "../helpers.ts";
import { AGENT_TEST_TOKEN } from "./_agent_setup.ts";

/** Parts of a test config. */
export interface ChannelConfigParts {
  /** The inside of `channels: { … }`. */
  channels: string;
  /** Extra keys of `agents.defaults` (after the model), e.g. `heartbeat: {…}`. */
  agentDefaults?: string;
  /** Extra top-level keys, e.g. `identity: {…}`. */
  top?: string;
}

/** A gateway config: token auth, the fake model, and the given channels. */
export function channelConfig(fake: FakeProvider, parts: ChannelConfigParts): string {
  return `{
    gateway: { mode: "local", auth: { mode: "token", token: "${AGENT_TEST_TOKEN}" } },
    models: {
      mode: "replace",
      providers: {
        fake: { baseUrl: "${fake.baseUrl}", api: "openai-completions", apiKey: "x", models: [{ id: "m1" }] },
      },
    },
    agents: { defaults: { model: "fake/m1", ${parts.agentDefaults ?? ""} } },
    ${parts.top ?? ""}
    channels: { ${parts.channels} },
  }`;
}

/** An operator connection (admin) to the gateway. */
export async function operator(gw: GatewayProcess): Promise<RawClient> {
  const c = await RawClient.open(gw.url);
  await c.challenge();
  const hello = await c.request("connect", cliConnectParams(AGENT_TEST_TOKEN));
  assert.equal(hello.ok, true, JSON.stringify(hello));
  return c;
}

/** One account's entry in `channels.status`. */
export type AccountStatus = Record<string, unknown> & {
  accountId: string;
  connected?: boolean;
  running?: boolean;
  lastError?: string;
};

/** The first account of `channel` in `channels.status`. */
export async function accountStatus(c: RawClient, channel: string): Promise<AccountStatus> {
  const r = await c.request("channels.status", {});
  assert.equal(r.ok, true, JSON.stringify(r));
  return r.payload.channelAccounts[channel][0];
}

/** Waits until `channel`'s first account satisfies `check`; returns it. */
export function waitForAccount(
  c: RawClient,
  channel: string,
  check: (a: AccountStatus) => boolean,
  what: string,
): Promise<AccountStatus> {
  let last: AccountStatus | undefined;
  return waitUntil(async () => {
    last = await accountStatus(c, channel);
    return check(last) ? last : undefined;
  }, {
    timeoutMs: 20_000,
    intervalMs: 100,
    message: () => `${channel}: ${what}; last: ${JSON.stringify(last)}`,
  });
}

/** Runs the heartbeat now (`wake`). */
export async function wake(c: RawClient, text: string): Promise<void> {
  const r = await c.request("wake", { mode: "now", text });
  assert.equal(r.ok, true, JSON.stringify(r));
}

/** How many times the output says `pattern`. */
export function count(gw: GatewayProcess, pattern: RegExp): number {
  return gw.output().split(pattern).length - 1;
}
