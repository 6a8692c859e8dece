/**
 * JSON with binary fields, in the format Baileys' `BufferJSON` writes, so credential files are
 * interchangeable with stock's `~/.openclaw/credentials/whatsapp/<account>/`: a Buffer or
 * Uint8Array is stored as `{ "type": "Buffer", "data": "<base64>" }`, and read back as a
 * `Buffer` (Baileys calls Buffer methods on its keys).
 *
 * @module
 */
import { Buffer } from "node:buffer";

function isBufferShape(value: unknown): value is { type: "Buffer"; data: unknown } {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    (value as { type?: unknown }).type === "Buffer";
}

/**
 * `JSON.stringify` replacer. `Buffer#toJSON` runs before it and yields
 * `{ type: "Buffer", data: number[] }`, which is why that shape is handled too.
 */
export function bufferReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) {
    return { type: "Buffer", data: Buffer.from(value).toString("base64") };
  }
  if (isBufferShape(value) && Array.isArray(value.data)) {
    return { type: "Buffer", data: Buffer.from(value.data as number[]).toString("base64") };
  }
  return value;
}

/** `JSON.parse` reviver: `{ type: "Buffer", data: "<base64>" }` becomes a `Buffer`. */
export function bufferReviver(_key: string, value: unknown): unknown {
  if (isBufferShape(value) && typeof value.data === "string") {
    return Buffer.from(value.data, "base64");
  }
  // An object whose keys are all indexes and values all numbers is a serialized typed array.
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
      const values = Object.values(value);
      if (values.every((v) => typeof v === "number")) return Buffer.from(values as number[]);
    }
  }
  return value;
}

/** Serializes with {@linkcode bufferReplacer}. */
export function stringifyWithBuffers(value: unknown): string {
  return JSON.stringify(value, bufferReplacer);
}

/** Parses with {@linkcode bufferReviver}. */
export function parseWithBuffers(text: string): unknown {
  return JSON.parse(text, bufferReviver);
}
