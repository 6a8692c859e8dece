import assert from "node:assert/strict";
import {
  applyResponsePrefix,
  escapeDiscordMassMentions,
  formatForAccount,
  formatOutbound,
} from "../../../lib/channels/outbound_format.ts";
import { resolveChannelAccount } from "../../../lib/channels/config_view.ts";
import { config } from "./_fixtures.ts";

Deno.test("formatOutbound() never sends a silent token", () => {
  for (const text of ["HEARTBEAT_OK", "**HEARTBEAT_OK**", "NO_REPLY", "  ", ""]) {
    for (const channel of ["telegram", "discord", "whatsapp"]) {
      assert.deepEqual(formatOutbound(text, { channel }).chunks, [], `${channel}: ${text}`);
    }
  }
  assert.deepEqual(
    formatOutbound("Disk is full. HEARTBEAT_OK", { channel: "discord", kind: "cron" }).chunks,
    ["Disk is full."],
  );
});

Deno.test("formatOutbound() leaves heartbeat texts as lib/outbound decided them", () => {
  // lib/outbound sends the literal ack only when showOk is on.
  assert.deepEqual(
    formatOutbound("HEARTBEAT_OK", { channel: "discord", kind: "heartbeat" }).chunks,
    [
      "HEARTBEAT_OK",
    ],
  );
});

Deno.test("formatOutbound() puts responsePrefix before the reply once", () => {
  assert.deepEqual(
    formatOutbound("**done**", { channel: "telegram", responsePrefix: "🦞" }),
    { chunks: ["🦞 <b>done</b>"], parseMode: "HTML", text: "🦞 **done**" },
  );
  assert.equal(applyResponsePrefix("🦞 hi", "🦞"), "🦞 hi");
  assert.equal(applyResponsePrefix("hi", " "), "hi");
});

Deno.test("formatOutbound() splits a Telegram reply over 4096 characters into ordered chunks", () => {
  const paragraphs = Array.from(
    { length: 12 },
    (_, i) => `Paragraph ${i}: ${"lorem ipsum ".repeat(60)}`,
  );
  const text = paragraphs.join("\n\n");
  const { chunks, parseMode } = formatOutbound(text, { channel: "telegram", limit: 10_000 });
  assert.equal(parseMode, "HTML");
  assert.ok(chunks.length >= 3);
  assert.ok(chunks.every((c) => c.length <= 4096));
  assert.ok(chunks[0].startsWith("Paragraph 0:"));
  const order = chunks.join("").match(/Paragraph \d+/g)!.map((p) => Number(p.split(" ")[1]));
  assert.deepEqual(order, [...order].sort((a, b) => a - b));
});

Deno.test("formatOutbound() splits Discord replies at 2000 characters and 17 lines", () => {
  const long = formatOutbound("word ".repeat(900), { channel: "discord" });
  assert.ok(long.chunks.length === 3 && long.chunks.every((c) => c.length <= 2000));
  assert.equal(long.parseMode, undefined);
  const tall = formatOutbound(Array.from({ length: 20 }, (_, i) => `${i}`).join("\n"), {
    channel: "discord",
  });
  assert.equal(tall.chunks.length, 2);
});

Deno.test("formatOutbound() defuses @everyone and @here on Discord only", () => {
  assert.deepEqual(formatOutbound("hi @everyone and @here", { channel: "discord" }).chunks, [
    "hi @\u200beveryone and @\u200bhere",
  ]);
  assert.equal(
    escapeDiscordMassMentions("mail@here.com"),
    "mail@here.com".replace("@here", "@\u200bhere"),
  );
  assert.deepEqual(formatOutbound("@everyone", { channel: "whatsapp" }).chunks, ["@everyone"]);
});

Deno.test("formatForAccount() uses the account's prefix, limit and chunk mode", () => {
  const c = config({
    channels: {
      discord: {
        responsePrefix: "[bot]",
        textChunkLimit: 100,
        chunkMode: "newline",
        maxLinesPerMessage: 40,
      },
    },
  });
  const account = resolveChannelAccount(c, "discord");
  assert.deepEqual(formatForAccount("one\n\ntwo", account).chunks, ["[bot] one\n\n", "two"]);
  assert.ok(formatForAccount("x ".repeat(300), account).chunks.every((ch) => ch.length <= 100));
});
