/**
 * `openclaw pairing list|approve|reject` as the owner runs them: on the pairing files in the state
 * directory when the gateway is down, through the `channels.pairing.*` RPC when it runs, and the
 * RPC's `operator.pairing` scope.
 */
import assert from "node:assert/strict";
import {
  freePort,
  makeSandbox,
  runCli,
  type Sandbox,
  startGateway,
  writeFile,
} from "../helpers.ts";
import { cliConnectParams, RawClient } from "../fixtures/ws_client.ts";

const TOKEN = "pairing-cli-test-token-0123456789";
/** A port nobody listens on, so "gateway down" never reaches another test's gateway. */
const CONFIG = `{
  gateway: { mode: "local", port: ${freePort()}, auth: { mode: "token", token: "${TOKEN}" } },
  channels: { telegram: { botToken: "123456:telegram-test-token" } },
}`;

const HOUR = 60 * 60 * 1000;

interface Request {
  id: string;
  code: string;
  ageMs?: number;
  meta?: Record<string, string>;
}

/** Writes `credentials/telegram-pairing.json` the way stock lays it out. */
async function writeRequests(sb: Sandbox, requests: Request[], channel = "telegram") {
  const now = Date.now();
  const records = requests.map((r) => {
    const at = new Date(now - (r.ageMs ?? 0)).toISOString();
    return {
      id: r.id,
      code: r.code,
      createdAt: at,
      lastSeenAt: at,
      meta: { accountId: "default", ...r.meta },
    };
  });
  await writeFile(
    `${sb.stateDir}/credentials/${channel}-pairing.json`,
    JSON.stringify({ version: 1, requests: records }),
  );
}

async function readJson(path: string): Promise<Record<string, unknown>> {
  return JSON.parse(await Deno.readTextFile(path));
}

const ALICE: Request = { id: "111", code: "ABCD2345", meta: { name: "Alice", username: "alice" } };

Deno.test("pairing list shows pending codes and skips expired ones (gateway down)", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  await writeRequests(sb, [ALICE, { id: "222", code: "EFGH6789", ageMs: 2 * HOUR }]);
  const text = await runCli(sb, ["pairing", "list", "--channel", "telegram"]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, /telegram +default +ABCD2345 +Alice \(@alice\) \[111\]/);
  assert.doesNotMatch(text.stdout, /EFGH6789/);
  assert.match(text.stdout, /openclaw pairing approve telegram <code>/);

  const json = await runCli(sb, ["pairing", "list", "--json"]);
  assert.equal(json.code, 0, json.stderr);
  const list = JSON.parse(json.stdout);
  assert.equal(list.requests.length, 1);
  assert.deepEqual(
    { code: list.requests[0].code, senderId: list.requests[0].senderId },
    { code: "ABCD2345", senderId: "111" },
  );
  assert.equal(list.requests[0].expiresAt - list.requests[0].createdAt, HOUR);
  assert.deepEqual(list.limits, { pendingPerAccount: 3, ttlMs: HOUR });
});

Deno.test("pairing list with nothing pending says so", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  const r = await runCli(sb, ["pairing", "list", "telegram"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout.trim(), "No pending pairing requests on telegram.");
});

Deno.test("pairing approve with the gateway down writes stock's allowFrom file", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  await writeRequests(sb, [ALICE]);
  const r = await runCli(sb, ["pairing", "approve", "telegram", "abcd2345"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Approved telegram sender 111/);
  assert.match(r.stdout, /gateway is not running; the approval is saved/);
  assert.deepEqual(await readJson(`${sb.stateDir}/credentials/telegram-allowFrom.json`), {
    version: 1,
    allowFrom: ["111"],
  });
  const pending = await readJson(`${sb.stateDir}/credentials/telegram-pairing.json`);
  assert.deepEqual(pending.requests, []);
});

Deno.test("pairing approve <code> alone picks the only pairing channel", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  await writeRequests(sb, [ALICE]);
  const r = await runCli(sb, ["pairing", "approve", "ABCD2345", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.channel, "telegram");
  assert.equal(out.senderId, "111");
  assert.equal(out.via, "files");
});

Deno.test("pairing approve of an unknown code fails and names the list command", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  await writeRequests(sb, [ALICE]);
  const r = await runCli(sb, ["pairing", "approve", "telegram", "ZZZZ2345"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /No pending pairing request for code ZZZZ2345 on telegram/);
  assert.match(r.stderr, /openclaw pairing list --channel telegram/);
  const json = await runCli(sb, ["pairing", "approve", "telegram", "ZZZZ2345", "--json"]);
  assert.equal(JSON.parse(json.stdout).error.type, "PAIRING_NOT_FOUND");
});

Deno.test("pairing approve of an expired code says it expired and how to get a new one", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  await writeRequests(sb, [{ id: "222", code: "EFGH6789", ageMs: 2 * HOUR }]);
  const r = await runCli(sb, ["pairing", "approve", "telegram", "EFGH6789", "--json"]);
  assert.equal(r.code, 1);
  const error = JSON.parse(r.stdout).error;
  assert.equal(error.type, "PAIRING_EXPIRED");
  assert.match(error.message, /code EFGH6789 for telegram expired at .*valid for 60 minutes/);
  assert.match(error.hint, /message the bot again.*openclaw pairing list --channel telegram/);
});

Deno.test("pairing approve of a malformed code is refused before looking it up", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  const r = await runCli(sb, ["pairing", "approve", "telegram", "0OI1"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /"0OI1" is not a pairing code: codes are 8 characters/);
});

Deno.test("pairing reject drops the request without approving the sender", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  await writeRequests(sb, [ALICE]);
  const r = await runCli(sb, ["pairing", "reject", "telegram", "ABCD2345"]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Rejected telegram sender 111/);
  const pending = await readJson(`${sb.stateDir}/credentials/telegram-pairing.json`);
  assert.deepEqual(pending.requests, []);
  await assert.rejects(Deno.stat(`${sb.stateDir}/credentials/telegram-allowFrom.json`));
});

Deno.test("pairing on QQ is refused: it has no pairing codes", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  const r = await runCli(sb, ["pairing", "list", "--channel", "qqbot"]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot pair on qqbot/);
  assert.match(r.stderr, /channels\.qqbot\.allowFrom/);
});

Deno.test("pairing list --account must not be blank", async () => {
  await using sb = await makeSandbox({ config: CONFIG });
  const r = await runCli(sb, ["pairing", "list", "--account", " "]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /--account must not be blank/);
});

Deno.test("with the gateway running, pairing list and approve go through its RPC", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  await writeRequests(sb, [ALICE]);
  const list = await runCli(sb, ["pairing", "list", "--json"]);
  assert.equal(list.code, 0, list.stderr);
  assert.equal(JSON.parse(list.stdout).requests[0].code, "ABCD2345");
  const r = await runCli(sb, ["pairing", "approve", "telegram", "ABCD2345", "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.via, "gateway");
  assert.equal(out.notification, "not-requested");
  await gw.waitFor(/pairing approved: telegram\/default sender 111/);
  assert.deepEqual(await readJson(`${sb.stateDir}/credentials/telegram-allowFrom.json`), {
    version: 1,
    allowFrom: ["111"],
  });
  const again = await runCli(sb, ["pairing", "approve", "telegram", "ABCD2345"]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /No pending pairing request for code ABCD2345 on telegram/);
  assert.match(again.stderr, /openclaw pairing list --channel telegram/);
});

async function connectWith(url: string, scopes: string[]): Promise<RawClient> {
  const c = await RawClient.open(url);
  await c.challenge();
  const hello = await c.request("connect", cliConnectParams(TOKEN, { scopes }));
  assert.equal(hello.ok, true, JSON.stringify(hello));
  return c;
}

Deno.test("channels.pairing.approve needs operator.pairing: an operator.read client is refused", async () => {
  await using sb = await makeSandbox();
  await using gw = await startGateway(sb, CONFIG);
  await writeRequests(sb, [ALICE]);
  const reader = await connectWith(gw.url, ["operator.read"]);
  const refused = await reader.request("channels.pairing.approve", {
    channel: "telegram",
    accountId: "default",
    code: "ABCD2345",
  });
  assert.equal(refused.ok, false);
  assert.equal(refused.error.code, "FORBIDDEN");
  assert.equal(refused.error.message, "missing scope: operator.pairing");
  reader.close();
  await assert.rejects(Deno.stat(`${sb.stateDir}/credentials/telegram-allowFrom.json`));

  // Stock's own flow: list (no codes unless asked), then approve by the opaque requestId.
  const pairer = await connectWith(gw.url, ["operator.pairing"]);
  const list = await pairer.request("channels.pairing.list", { channel: "telegram" });
  assert.equal(list.ok, true, JSON.stringify(list));
  const [request] = list.payload.requests;
  assert.equal(request.code, undefined);
  assert.equal(request.senderLabel, "Alice (@alice)");
  assert.match(request.requestId, /^[A-Za-z0-9_-]{32}$/);
  const approved = await pairer.request("channels.pairing.approve", {
    channel: "telegram",
    accountId: "default",
    requestId: request.requestId,
  });
  assert.equal(approved.ok, true, JSON.stringify(approved));
  assert.deepEqual(
    { senderId: approved.payload.senderId, notification: approved.payload.notification },
    { senderId: "111", notification: "not-requested" },
  );
  pairer.close();

  // operator.admin implies operator.pairing.
  const admin = await connectWith(gw.url, ["operator.admin"]);
  const adminList = await admin.request("channels.pairing.list", {});
  assert.equal(adminList.ok, true, JSON.stringify(adminList));
  admin.close();
});
