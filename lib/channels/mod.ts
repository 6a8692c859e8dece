/**
 * The platform-independent channel core: the adapter interface and normalized message
 * (types.ts), per-account settings (config_view.ts), access control (access.ts, mention.ts,
 * group_history.ts), routing and session keys (session_keys.ts), DM pairing (pairing.ts,
 * pairing_store.ts), outbound formatting and splitting (outbound_format.ts, chunk.ts,
 * chunk_html.ts, telegram_html.ts), the durable inbound journal (inbound_store.ts), backoff and
 * rate-limit waits (retry.ts) and the status record adapters keep (status.ts). Whether a gateway
 * start needs the channel layer at all is dormant.ts, which the start path imports alone (its
 * names are exported here through config_view.ts and inbound_store.ts).
 *
 * Nothing here talks to a platform or the gateway; adapters (one folder per platform) and the
 * channel subsystem are built on these modules.
 *
 * @module
 */
export * from "./types.ts";
export * from "./config_view.ts";
export * from "./access.ts";
export * from "./mention.ts";
export * from "./group_history.ts";
export * from "./session_keys.ts";
export * from "./pairing.ts";
export * from "./pairing_store.ts";
export * from "./outbound_format.ts";
export * from "./chunk.ts";
export * from "./chunk_html.ts";
export * from "./telegram_html.ts";
export * from "./inbound_store.ts";
export * from "./retry.ts";
export * from "./status.ts";
