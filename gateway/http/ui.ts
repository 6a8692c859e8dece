/**
 * Serves the dashboard (Control UI) built by `deno task build:ui` from the embedded module
 * `ui_assets.generated.ts`: the page at `gateway.controlUi.basePath` (default `/`), its hashed
 * assets under `<basePath>/assets/`. Read per request, so `gateway.controlUi.enabled: false`
 * (404 for every UI path; the WebSocket keeps working) and a new base path apply without a
 * restart.
 *
 * - The page: `Cache-Control: no-cache` (it names the current asset hashes), an ETag, and a CSP
 *   that lets it load only its own script and style and connect only back to this gateway.
 * - Assets: content-hashed names, `Cache-Control: public, max-age=31536000, immutable`, sent
 *   gzipped as built when the client accepts gzip (else inflated once and kept), `Vary:
 *   Accept-Encoding`; an unknown name is the usual 404.
 *
 * The generated module is imported on the first UI request, so a gateway nobody browses never
 * parses it.
 *
 * @module
 */
import type { Context, Hono, MiddlewareHandler } from "hono";
import type { OpenClawConfig } from "../../lib/config/schema.ts";
import { VERSION } from "../../lib/version.ts";
import type { HttpBindings } from "./app.ts";

type Assets = typeof import("./ui_assets.generated.ts");

/** How long browsers may keep a hashed asset: a year, never revalidated. */
export const IMMUTABLE_CACHE = "public, max-age=31536000, immutable";

/**
 * Normalises `gateway.controlUi.basePath` to `""` (root) or `/segment[/segment...]` without a
 * trailing slash; the page is then served at `<base>/` (the same rule `openclaw dashboard` uses
 * to print the URL).
 */
export function normalizeBasePath(value: unknown): string {
  if (typeof value !== "string") return "";
  const trimmed = value.trim().replace(/^\/+|\/+$/g, "");
  return trimmed ? `/${trimmed}` : "";
}

/** A Host header value safe to put into a CSP source (else none is added). */
const SAFE_HOST = /^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/i;

/**
 * The page's Content-Security-Policy: its own script and style only, no inline code, no
 * framing, and WebSocket connections only to this gateway (named explicitly for browsers whose
 * `'self'` does not cover `ws:`).
 */
export function controlUiCsp(host: string | undefined): string {
  const ws = host && SAFE_HOST.test(host) ? ` ws://${host} wss://${host}` : "";
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    `connect-src 'self'${ws}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** True when `Accept-Encoding` allows gzip (`gzip` or `*`, not with `q=0`). */
export function acceptsGzip(header: string | undefined): boolean {
  if (!header) return false;
  return header.split(",").some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(";");
    if (coding.trim() !== "gzip" && coding.trim() !== "*") return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith("q="));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

function decodeBase64(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

async function gunzip(bytes: Uint8Array): Promise<Uint8Array> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(
    new DecompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

/** The embedded assets, decoded on first use. */
class AssetStore {
  #module?: Promise<Assets>;
  #gzip = new Map<string, Uint8Array>();
  #plain = new Map<string, Promise<Uint8Array>>();

  module(): Promise<Assets> {
    return this.#module ??= import("./ui_assets.generated.ts");
  }

  async find(
    name: string,
  ): Promise<{ type: string; gzip: Uint8Array; plain(): Promise<Uint8Array> } | undefined> {
    const mod = await this.module();
    const entry = mod.UI_ASSETS.find((a) => a.name === name);
    if (!entry) return undefined;
    let gzip = this.#gzip.get(name);
    if (!gzip) this.#gzip.set(name, gzip = decodeBase64(entry.gzipBase64));
    const packed = gzip;
    const plain = () => {
      let p = this.#plain.get(name);
      if (!p) this.#plain.set(name, p = gunzip(packed));
      return p;
    };
    return { type: entry.type, gzip: packed, plain };
  }
}

/** What {@linkcode mountControlUi} reads per request. */
export interface ControlUiOptions {
  /** The running config (`gateway.controlUi.enabled`, `.basePath`). */
  config(): Pick<OpenClawConfig, "gateway"> | undefined;
}

/**
 * Mounts the dashboard on `app` as a catch-all registered after the other routes: a request for
 * the page or an asset is answered here, anything else falls through to the 404.
 */
export function mountControlUi(
  app: Hono<{ Bindings: HttpBindings }>,
  options: ControlUiOptions,
): void {
  const store = new AssetStore();

  const page = async (c: Context, base: string) => {
    const mod = await store.module();
    const etag = `"${mod.UI_BUILD_ID}-${VERSION}${base ? `-${encodeURIComponent(base)}` : ""}"`;
    const headers: Record<string, string> = {
      "Cache-Control": "no-cache",
      "Content-Security-Policy": controlUiCsp(c.req.header("host")),
      ETag: etag,
    };
    if (c.req.header("if-none-match") === etag) return c.body(null, 304, headers);
    headers["Content-Type"] = "text/html; charset=utf-8";
    const html = mod.UI_INDEX_HTML.replaceAll("%BASE%", `${base}/`).replace("%VERSION%", VERSION);
    return c.body(html, 200, headers);
  };

  const asset = async (c: Context, name: string) => {
    const found = await store.find(name);
    if (!found) return undefined;
    const headers: Record<string, string> = {
      "Content-Type": found.type,
      "Cache-Control": IMMUTABLE_CACHE,
      Vary: "Accept-Encoding",
    };
    if (acceptsGzip(c.req.header("accept-encoding"))) {
      headers["Content-Encoding"] = "gzip";
      return c.body(found.gzip as Uint8Array<ArrayBuffer>, 200, headers);
    }
    return c.body(await found.plain() as Uint8Array<ArrayBuffer>, 200, headers);
  };

  const controlUi: MiddlewareHandler<{ Bindings: HttpBindings }> = async function controlUi(
    c,
    next,
  ) {
    const method = c.req.method;
    const ui = options.config()?.gateway?.controlUi;
    if ((method !== "GET" && method !== "HEAD") || ui?.enabled === false) return await next();
    const base = normalizeBasePath(ui?.basePath);
    const path = c.req.path;
    if (path === `${base}/` || (base && path === base)) return await page(c, base);
    if (base && path === "/") return c.redirect(`${base}/`, 302);
    const prefix = `${base}/assets/`;
    if (path.startsWith(prefix)) {
      const res = await asset(c, path.slice(prefix.length));
      if (res) return res;
    }
    await next();
  };
  app.use("*", controlUi);
}
