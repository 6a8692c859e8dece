/**
 * The login QR code in the two forms people see it: text for a terminal (two module rows per
 * line with half-block characters, light modules drawn, so it scans on the usual dark
 * terminal background) and a PNG data URL for the dashboard (`web.login.start`, stock's
 * `data:image/png;base64,...`). The QR matrix comes from `uqr` (zero-dependency encoder); the PNG
 * from _png.ts.
 *
 * @module
 */
import { encode } from "uqr";
import { encodeMatrixPng } from "./_png.ts";

/** Quiet zone around the code, in modules (the standard asks for 4; terminals get 2). */
const PNG_QUIET_ZONE = 4;
const TERMINAL_QUIET_ZONE = 2;
/** Pixels per module in the PNG. */
const PNG_SCALE = 6;
/** A QR payload longer than this is not a WhatsApp login code. */
export const MAX_QR_TEXT = 2048;

/** A QR code ready to show. */
export interface WhatsAppQr {
  /** The raw text WhatsApp asked to encode (`ref,noiseKey,identityKey,advSecret`). */
  qr: string;
  /** The code as terminal text (ends with a newline). */
  terminal: string;
  /** `data:image/png;base64,...`. */
  dataUrl: string;
  /** 1 for the first code of a login, then 2, 3, ... as WhatsApp rotates it. */
  index: number;
}

function matrixOf(text: string, quietZone: number): boolean[][] {
  if (text.length === 0 || text.length > MAX_QR_TEXT) {
    throw new RangeError(`Cannot render a QR code of ${text.length} characters`);
  }
  const { data } = encode(text, { ecc: "L", border: 0 });
  const size = data.length + quietZone * 2;
  const blank = () => new Array<boolean>(size).fill(false);
  const rows: boolean[][] = [];
  for (let i = 0; i < quietZone; i++) rows.push(blank());
  for (const row of data) {
    rows.push([
      ...new Array<boolean>(quietZone).fill(false),
      ...row,
      ...new Array<boolean>(quietZone).fill(false),
    ]);
  }
  for (let i = 0; i < quietZone; i++) rows.push(blank());
  return rows;
}

/**
 * Renders `text` as a QR code for a terminal.
 *
 * @param text The QR payload.
 * @returns Lines of full, upper-half and lower-half block characters (U+2588, U+2580,
 *   U+2584) and spaces (light modules drawn), ending with a newline.
 * @throws {RangeError} For empty or oversized text.
 * @example
 * ```ts
 * console.error(renderQrTerminal("2@abc,def,ghi,jkl"));
 * ```
 */
export function renderQrTerminal(text: string): string {
  const m = matrixOf(text, TERMINAL_QUIET_ZONE);
  const lines: string[] = [];
  for (let y = 0; y < m.length; y += 2) {
    let line = "";
    for (let x = 0; x < m[y].length; x++) {
      const top = !m[y][x];
      const bottom = y + 1 < m.length ? !m[y + 1][x] : false;
      line += top && bottom ? "\u2588" : top ? "\u2580" : bottom ? "\u2584" : " ";
    }
    lines.push(line);
  }
  return lines.join("\n") + "\n";
}

/**
 * Renders `text` as a PNG QR code data URL.
 *
 * @param text The QR payload.
 * @returns `data:image/png;base64,...` (a few KB for a WhatsApp code).
 * @throws {RangeError} For empty or oversized text.
 */
export async function renderQrDataUrl(text: string): Promise<string> {
  const png = await encodeMatrixPng(matrixOf(text, PNG_QUIET_ZONE), PNG_SCALE);
  let binary = "";
  for (let i = 0; i < png.length; i += 0x8000) {
    binary += String.fromCharCode(...png.subarray(i, i + 0x8000));
  }
  return `data:image/png;base64,${btoa(binary)}`;
}

/**
 * Both renderings of one QR code.
 *
 * @param text The QR payload.
 * @param index Which code of the login this is.
 * @returns The code ready for a terminal and for the dashboard.
 */
export async function renderWhatsAppQr(text: string, index: number): Promise<WhatsAppQr> {
  return {
    qr: text,
    terminal: renderQrTerminal(text),
    dataUrl: await renderQrDataUrl(text),
    index,
  };
}
