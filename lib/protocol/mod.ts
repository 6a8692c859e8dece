/**
 * The Gateway WebSocket protocol v4, shared by the gateway server and our CLI client: constants
 * and close codes, frame schemas and parsing, error shapes, operator scopes, and Ed25519 device
 * identity. Pure library code: no sockets.
 *
 * @module
 */
export * from "./constants.ts";
export * from "./frames.ts";
export * from "./errors.ts";
export * from "./scopes.ts";
export * from "./device.ts";
