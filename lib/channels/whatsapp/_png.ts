/**
 * A minimal PNG encoder for a black-and-white module matrix (a QR code): 1-bit grayscale,
 * one IDAT chunk compressed with the platform's `CompressionStream("deflate")` (zlib, as PNG
 * wants), CRC-32 per chunk. Enough for a QR code image the dashboard shows as a data URL.
 *
 * @module
 */
import { concatBytes } from "../../bytes.ts";

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

let crcTable: Uint32Array | undefined;

function crc32(bytes: Uint8Array): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const b of bytes) crc = crcTable[(crc ^ b) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  const typed = out.subarray(4, 8 + data.length);
  typed.set(new TextEncoder().encode(type), 0);
  typed.set(data, 4);
  view.setUint32(8 + data.length, crc32(typed));
  return out;
}

async function deflate(data: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/**
 * Encodes a matrix as a PNG: `true` cells black, `false` white, each `scale` pixels square.
 *
 * @param matrix Rows of cells (all rows the same length).
 * @param scale Pixels per cell (1-32).
 * @returns The PNG file's bytes.
 * @throws {RangeError} For an empty matrix or a scale out of range.
 */
export async function encodeMatrixPng(
  matrix: readonly (readonly boolean[])[],
  scale: number,
): Promise<Uint8Array> {
  const cells = matrix.length;
  if (cells === 0 || matrix[0].length === 0) throw new RangeError("Cannot encode an empty matrix");
  if (!Number.isInteger(scale) || scale < 1 || scale > 32) {
    throw new RangeError(`Cannot encode with scale ${scale}: expected 1\u201332`);
  }
  const width = matrix[0].length * scale;
  const height = cells * scale;
  const rowBytes = Math.ceil(width / 8);
  const raw = new Uint8Array((rowBytes + 1) * height);
  for (let y = 0; y < height; y++) {
    const row = matrix[Math.floor(y / scale)];
    const base = y * (rowBytes + 1); // filter byte 0 (None), then the packed row
    for (let x = 0; x < width; x++) {
      // Grayscale 1-bit: a set bit is white.
      if (!row[Math.floor(x / scale)]) raw[base + 1 + (x >> 3)] |= 0x80 >> (x & 7);
    }
    // Padding bits past the width stay 0; they are ignored by decoders.
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header.set([1, 0, 0, 0, 0], 8); // bit depth 1, grayscale, deflate, adaptive filter, no interlace
  return concatBytes(
    new Uint8Array(SIGNATURE),
    chunk("IHDR", header),
    chunk("IDAT", await deflate(raw)),
    chunk("IEND", new Uint8Array(0)),
  );
}
