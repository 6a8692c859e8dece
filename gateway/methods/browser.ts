/**
 * `browser.request` (scope `operator.admin`): stock's one RPC for browser control -- the CLI (ours
 * and stock's) sends `{method, path, query, body, timeoutMs}` and the gateway answers what its
 * browser control service would (reference discovery.md §4.4). The gateway owns the browser
 * process; this is the only way a client starts, stops or drives it.
 *
 * Routes: `GET /` (status; passive), `POST /start[?headless=true]`, `POST /stop`,
 * `GET /profiles`, `GET /tabs`, `POST /tabs/open {url}`, `POST /tabs/focus {targetId}`,
 * `DELETE /tabs/<targetId>`, `POST /tabs/action {action: list|new|select|close, index?}`,
 * `POST /navigate {url, targetId?}`, `GET /snapshot`, `POST /screenshot`, `POST /act`. Every
 * route takes `?profile=<name>`.
 *
 * @module
 */
import { z } from "zod";
import type { BrowserService } from "../../lib/browser/service.ts";
import { withTimeout } from "../../lib/deadline.ts";
import { invalidRequest, ProtocolError } from "../../lib/protocol/error_map.ts";
import { ErrorCode } from "../../lib/protocol/error_shape.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

/** The CLI's default budget (stock: 30 s) plus room for a slow launch. */
const DEFAULT_TIMEOUT_MS = 45_000;

const QueryValue = z.union([z.string().max(4_096), z.number(), z.boolean()]);

const BrowserRequestParams = z.looseObject({
  method: z.string().max(10).transform((m) => m.toUpperCase()).pipe(
    z.enum(["GET", "POST", "DELETE"]),
  ),
  path: z.string().min(1).max(512).refine((p) => p.startsWith("/"), "must start with /"),
  query: z.record(z.string().max(64), QueryValue).optional(),
  body: z.unknown().optional(),
  timeoutMs: z.number().int().min(1).max(600_000).optional(),
});

type Query = Readonly<Record<string, string | number | boolean>>;

function q(query: Query | undefined, key: string): string | undefined {
  if (!query || !Object.hasOwn(query, key)) return undefined;
  const v = query[key];
  return String(v);
}

function qBool(query: Query | undefined, key: string): boolean | undefined {
  const v = q(query, key)?.toLowerCase();
  return v === undefined ? undefined : v === "true" || v === "1";
}

function parseBody<S extends z.ZodType>(schema: S, body: unknown, route: string): z.output<S> {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const problems = r.error.issues.map((i) =>
    i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message
  );
  throw invalidRequest(`invalid browser.request body for ${route}: ${problems.join("; ")}`);
}

const UrlBody = z.looseObject({
  url: z.string().min(1).max(8_192),
  targetId: z.string().max(128).optional(),
});
const TargetBody = z.looseObject({ targetId: z.string().min(1).max(128) });
const TabActionBody = z.looseObject({
  action: z.enum(["list", "new", "select", "close"]),
  index: z.number().int().min(0).max(1_000).optional(),
});
const ScreenshotBody = z.looseObject({
  targetId: z.string().max(128).optional(),
  fullPage: z.boolean().optional(),
});
const ActBody = z.looseObject({
  kind: z.enum(["click", "type", "press"]),
  ref: z.string().max(32).optional(),
  text: z.string().max(20_000).optional(),
  submit: z.boolean().optional(),
  key: z.string().max(32).optional(),
  doubleClick: z.boolean().optional(),
  targetId: z.string().max(128).optional(),
});

/** Runs one control-service route. */
async function route(
  service: BrowserService,
  method: string,
  path: string,
  query: Query | undefined,
  body: unknown,
): Promise<unknown> {
  const profile = q(query, "profile");
  const actions = await import("../../lib/browser/actions.ts");
  const key = `${method} ${path.replace(/\/+$/, "") || "/"}`;
  switch (key) {
    case "GET /":
      return service.status(profile);
    case "POST /start":
      return await service.start(profile, { headless: qBool(query, "headless") });
    case "POST /stop": {
      const { stopped } = await service.stop(profile);
      return { ...service.status(profile), stopped };
    }
    case "GET /profiles":
      return { profiles: await service.profiles() };
    case "GET /tabs":
      return await service.tabs(profile);
    case "POST /tabs/open":
      return await actions.openUrl(service, {
        url: parseBody(UrlBody, body, key).url,
        profile,
      });
    case "POST /tabs/focus":
      return await service.focusTab(parseBody(TargetBody, body, key).targetId, profile);
    case "POST /tabs/action": {
      const b = parseBody(TabActionBody, body, key);
      if (b.action === "new") {
        const { page } = await service.openTab(profile);
        return { ok: true, targetId: page.targetId };
      }
      if (b.action === "list") return { ok: true, tabs: (await service.tabs(profile)).tabs };
      const tabs = (await service.tabs(profile)).tabs;
      const tab = b.index === undefined ? tabs.find((t) => t.active) : tabs[b.index];
      if (!tab) throw invalidRequest(`no tab at index ${b.index ?? "(active)"}`);
      if (b.action === "select") {
        return { ok: true, tab: await service.focusTab(tab.targetId, profile) };
      }
      return { ok: true, ...(await service.closeTab(tab.targetId, profile)) };
    }
    case "POST /navigate": {
      const b = parseBody(UrlBody, body, key);
      return await actions.navigateTab(service, { url: b.url, targetId: b.targetId, profile });
    }
    case "GET /snapshot": {
      const maxChars = Number(q(query, "maxChars") ?? q(query, "limit"));
      return await actions.snapshotTab(service, {
        targetId: q(query, "targetId"),
        profile,
        ...(Number.isFinite(maxChars) && maxChars > 0 ? { maxChars } : {}),
        interactive: qBool(query, "interactive"),
      });
    }
    case "POST /screenshot": {
      const b = parseBody(ScreenshotBody, body, key);
      return await actions.screenshotTab(service, { ...b, profile });
    }
    case "POST /act":
      return await actions.actOnTab(service, parseBody(ActBody, body, key), profile);
  }
  if (method === "DELETE" && path.startsWith("/tabs/")) {
    const targetId = decodeURIComponent(path.slice("/tabs/".length));
    if (!targetId) throw invalidRequest("DELETE /tabs/<targetId> needs a targetId");
    return { ok: true, ...(await service.closeTab(targetId, profile)) };
  }
  throw invalidRequest(`browser.request: no route ${method} ${path}`);
}

/** The browser methods. */
export const browserMethods: MethodDefinition[] = [
  defineMethod({
    name: "browser.request",
    scope: "operator.admin",
    params: BrowserRequestParams,
    handler: async ({ params, state }) => {
      const { browserServiceFor } = await import("../../lib/browser/host.ts");
      const pending = browserServiceFor(state.stateDir);
      if (!pending) {
        throw new ProtocolError(
          ErrorCode.UNAVAILABLE,
          "Browser control is not running in this gateway (see the browser subsystem in health)",
          { retryable: true },
        );
      }
      const service = await pending;
      const query = params.query as Query | undefined;
      return await withTimeout(
        state.clock,
        params.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        route(service, params.method, params.path, query, params.body),
        `browser.request ${params.method} ${params.path}`,
      );
    },
  }),
];
