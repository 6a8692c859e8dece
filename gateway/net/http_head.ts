/**
 * HTTP/1.1 request-head scanning and parsing (RFC 9112), strict where leniency enables request
 * smuggling: no obs-fold, no whitespace before a colon, one Content-Length at most, no
 * Content-Length together with Transfer-Encoding, and `chunked` as the only transfer coding.
 *
 * @module
 */
import { decodeLatin1, indexOfCrlfCrlf } from "./io.ts";
import type { HttpLimits } from "./limits.ts";

/** A request rejected before it reached the handler; `status` is what the client is told. */
export class HttpError extends Error {
  /** The response status (400, 408, 414, 431, 505). */
  readonly status: number;
  /** Creates the error. */
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

/** A parsed request head. */
export interface RequestHead {
  /** The method as sent (case preserved). */
  method: string;
  /** The request-target: origin-form (`/path?q`) or absolute-form (`http://host/path`). */
  target: string;
  /** True for HTTP/1.0 (no chunked responses, close unless keep-alive was asked for). */
  http10: boolean;
  /** Header fields in arrival order, names as sent. */
  headers: [string, string][];
  /** The Host header, or null when absent (only allowed in HTTP/1.0). */
  host: string | null;
  /** The Content-Length, or -1 when absent. */
  contentLength: number;
  /** True when the body is `Transfer-Encoding: chunked`. */
  chunked: boolean;
  /** True when the client wants the connection closed after this request. */
  close: boolean;
  /** True when the client sent `Expect: 100-continue`. */
  expectContinue: boolean;
  /** True when an `Upgrade` header is present (a possible WebSocket handshake). */
  upgrade: boolean;
  /** True when the one `Upgrade` header names exactly `websocket` (any case). */
  websocket: boolean;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) ([\x21-\x7e]+) HTTP\/(\d)\.(\d)$/;
// deno-lint-ignore no-control-regex -- control characters are exactly what is rejected
const BAD_VALUE = /[\x00-\x08\x0a-\x1f\x7f]/;
const OWS_EDGES = /^[ \t]+|[ \t]+$/g;
const DIGITS = /^\d{1,15}$/;
const HOST = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=%]+|\[[0-9A-Fa-f:.]+\])(?::\d{0,5})?$/;

/**
 * Looks for the end of a request head in `buf` (which starts at the request line). Returns the
 * index just past the blank line, or -1 when more bytes are needed. Throws {@linkcode HttpError}
 * (414/431) as soon as the bytes seen already exceed a limit. `from` is where the previous scan
 * stopped, so a head arriving byte by byte is scanned once overall.
 */
export function scanHead(
  buf: Uint8Array,
  from: number,
  limits: Pick<HttpLimits, "maxRequestLineBytes" | "maxHeaderBytes">,
): number {
  const lf = buf.indexOf(10);
  if (lf < 0) {
    if (buf.length > limits.maxRequestLineBytes) throw new HttpError(414, "request line too long");
    return -1;
  }
  if (lf + 1 > limits.maxRequestLineBytes) throw new HttpError(414, "request line too long");
  // The blank line may directly follow the request line: "GET / HTTP/1.1\r\n\r\n".
  const at = indexOfCrlfCrlf(buf, Math.max(lf - 1, from - 3));
  const headerBytes = (at < 0 ? buf.length : at + 4) - (lf + 1);
  if (headerBytes > limits.maxHeaderBytes) throw new HttpError(431, "request header too large");
  return at < 0 ? -1 : at + 4;
}

/** Parses a complete head (`bytes` ends with the blank line). Throws {@linkcode HttpError}. */
export function parseRequestHead(bytes: Uint8Array): RequestHead {
  const text = decodeLatin1(bytes.subarray(0, bytes.length - 4));
  const lines = text.split("\r\n");
  const m = REQUEST_LINE.exec(lines[0]);
  if (!m) throw new HttpError(400, "malformed request line");
  const [, method, target, major, minor] = m;
  if (major !== "1") throw new HttpError(505, "HTTP version not supported");
  const http10 = minor === "0";
  if (target[0] !== "/" && !/^https?:\/\//i.test(target)) {
    throw new HttpError(400, "unsupported request-target form");
  }

  const headers: [string, string][] = [];
  let host: string | null = null;
  let hosts = 0;
  let contentLength = -1;
  let te: string | null = null;
  let connection = "";
  let expectContinue = false;
  let upgrade = false;
  let upgrades = 0;
  let websocket = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i];
    const c0 = line.charCodeAt(0);
    if (c0 === 32 || c0 === 9) throw new HttpError(400, "obsolete line folding");
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HttpError(400, "malformed header line");
    const name = line.slice(0, colon);
    if (!TOKEN.test(name)) throw new HttpError(400, "malformed header name");
    const value = line.slice(colon + 1).replace(OWS_EDGES, "");
    if (BAD_VALUE.test(value)) throw new HttpError(400, "control character in header value");
    headers.push([name, value]);
    switch (name.length) {
      case 4:
        if (name.toLowerCase() === "host") {
          hosts++;
          host = value;
        }
        break;
      case 6:
        if (name.toLowerCase() === "expect") {
          if (value.toLowerCase() === "100-continue") expectContinue = true;
          else throw new HttpError(417, "unsupported expectation");
        }
        break;
      case 7:
        if (name.toLowerCase() === "upgrade") {
          upgrade = true;
          upgrades++;
          websocket = value.toLowerCase() === "websocket";
        }
        break;
      case 10:
        if (name.toLowerCase() === "connection") {
          connection = connection ? `${connection},${value}` : value;
        }
        break;
      case 14:
        if (name.toLowerCase() === "content-length") {
          if (contentLength >= 0) throw new HttpError(400, "duplicate Content-Length");
          if (!DIGITS.test(value)) throw new HttpError(400, "invalid Content-Length");
          contentLength = Number(value);
        }
        break;
      case 17:
        if (name.toLowerCase() === "transfer-encoding") te = te === null ? value : `${te},${value}`;
        break;
    }
  }

  let chunked = false;
  if (te !== null) {
    if (http10) throw new HttpError(400, "Transfer-Encoding in HTTP/1.0");
    if (contentLength >= 0) throw new HttpError(400, "Content-Length with Transfer-Encoding");
    const codings = te.split(",").map((s) => s.trim().toLowerCase()).filter((s) => s !== "");
    if (codings.length !== 1 || codings[0] !== "chunked") {
      throw new HttpError(400, "unsupported transfer coding");
    }
    chunked = true;
  }
  if (hosts > 1) throw new HttpError(400, "duplicate Host");
  if (hosts === 0 && !http10) throw new HttpError(400, "missing Host");
  if (host !== null && !HOST.test(host)) throw new HttpError(400, "invalid Host");

  const tokens = connection.toLowerCase();
  const close = http10
    ? !/(?:^|,)\s*keep-alive\s*(?:,|$)/.test(tokens)
    : /(?:^|,)\s*close\s*(?:,|$)/.test(tokens);
  return {
    method,
    target,
    http10,
    headers,
    host,
    contentLength,
    chunked,
    close,
    expectContinue,
    upgrade,
    websocket: websocket && upgrades === 1,
  };
}
