/**
 * Is what is installed current: `update.check` (the installed version, whether update checks are
 * on, a config written by a newer release) and `ui.protocol` (Control UI assets served from
 * `gateway.controlUi.root` speak the gateway's protocol). Doctor has no network access to
 * offer: it says what it looked at instead of fetching anything.
 *
 * @module
 */
import { dirname, expandHome, joinPath, shortenHome } from "../../paths.ts";
import { PROTOCOL_VERSION } from "../../protocol/constants.ts";
import { VERSION } from "../../version.ts";
import type { DoctorCheck, DoctorContext, DoctorFinding } from "../types.ts";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : {};
}

/** Compares CalVer strings (`2026.11.0`, `2026.9.6-beta.1`) by their numeric release parts. */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.trim().replace(/^v/, "").split("-")[0].split(".").map(Number);
  const pa = parts(a);
  const pb = parts(b);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number.isFinite(pa[i]) ? pa[i] : 0;
    const y = Number.isFinite(pb[i]) ? pb[i] : 0;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/** The git checkout the running program comes from, if it runs from one. */
function sourceCheckout(): string | undefined {
  const main = new URL(Deno.mainModule);
  if (main.protocol !== "file:") return undefined;
  let dir = dirname(decodeURIComponent(main.pathname));
  for (let i = 0; i < 6 && dir !== "/"; i++, dir = dirname(dir)) {
    try {
      Deno.statSync(joinPath(dir, ".git"));
      return dir;
    } catch { /* not here; look one level up */ }
  }
  return undefined;
}

/** `update.check`: "Optional updates". */
export const updateCheck: DoctorCheck = {
  id: "update.check",
  title: "Optional updates",
  order: 1,
  run(ctx) {
    const config = ctx.config.audit.config;
    const update = obj(config.update);
    const channel = typeof update.channel === "string" ? update.channel : "stable";
    const checkout = sourceCheckout();
    const install = checkout
      ? `from a source checkout (${shortenHome(checkout, ctx.env)})`
      : `(${channel} channel)`;
    const how = checkout ? `; to update: git -C ${shortenHome(checkout, ctx.env)} pull` : "";
    const out: DoctorFinding[] = [{
      severity: "info",
      message: update.checkOnStart === false
        ? `openclaw ${VERSION} ${install}; update checks are off (update.checkOnStart=false)${how}`
        : `openclaw ${VERSION} ${install}; doctor does not look for updates over the network${how}`,
    }];
    const touched = obj(config.meta).lastTouchedVersion;
    if (typeof touched === "string" && compareVersions(touched, VERSION) > 0) {
      out.push({
        severity: "warn",
        message:
          `The config was last written by openclaw ${touched}, newer than this ${VERSION}: ` +
          "keys that release added may not be understood here",
        path: "meta.lastTouchedVersion",
        fix: `Update openclaw to ${touched} or later`,
      });
    }
    return Promise.resolve(out);
  },
};

const MAX_SCANNED_FILES = 200;
const MAX_SCANNED_BYTES = 16 * 1024 * 1024;
const DECLARES = /["']?(min|max)Protocol["']?\s*:\s*(\d{1,3})\b/g;

/** The `minProtocol`/`maxProtocol` a built UI sends in its `connect` frame, read from its files. */
function declaredProtocols(root: string): { min?: number; max?: number } {
  let files = 0;
  let bytes = 0;
  const found: { min?: number; max?: number } = {};
  const visit = (dir: string, depth: number) => {
    let entries: Deno.DirEntry[];
    try {
      entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return;
    }
    for (const e of entries) {
      if (files >= MAX_SCANNED_FILES || bytes >= MAX_SCANNED_BYTES) return;
      const path = joinPath(dir, e.name);
      if (e.isDirectory && depth < 2) visit(path, depth + 1);
      if (!e.isFile || !/\.(m?js|html)$/.test(e.name)) continue;
      let text: string;
      try {
        if ((Deno.statSync(path).size ?? 0) > MAX_SCANNED_BYTES - bytes) continue;
        text = Deno.readTextFileSync(path);
      } catch {
        continue;
      }
      files++;
      bytes += text.length;
      for (const m of text.matchAll(DECLARES)) {
        const n = Number(m[2]);
        if (m[1] === "min") found.min = Math.min(found.min ?? n, n);
        else found.max = Math.max(found.max ?? n, n);
      }
    }
  };
  visit(root, 0);
  return found;
}

function uiRootFindings(ctx: DoctorContext, root: string): DoctorFinding[] {
  const short = shortenHome(root, ctx.env);
  const unset =
    "or unset it to serve the built-in page: openclaw config unset gateway.controlUi.root";
  let info: Deno.FileInfo;
  try {
    info = Deno.statSync(root);
  } catch {
    return [{
      severity: "warn",
      message: `Control UI root ${short} does not exist`,
      path: "gateway.controlUi.root",
      fix: `Point gateway.controlUi.root at a built Control UI, ${unset}`,
    }];
  }
  if (!info.isDirectory) {
    return [{
      severity: "warn",
      message: `Control UI root ${short} is not a directory`,
      path: "gateway.controlUi.root",
      fix: `Point gateway.controlUi.root at a built Control UI, ${unset}`,
    }];
  }
  const out: DoctorFinding[] = [];
  try {
    Deno.statSync(joinPath(root, "index.html"));
  } catch {
    out.push({
      severity: "warn",
      message: `Control UI root ${short} has no index.html: the dashboard will not load`,
      path: "gateway.controlUi.root",
      fix: `Build the Control UI into ${short}, ${unset}`,
    });
  }
  const { min, max } = declaredProtocols(root);
  if (min === undefined && max === undefined) {
    out.push({
      severity: "info",
      message: `The Control UI assets in ${short} do not say which protocol they speak; ` +
        `cannot tell whether they match the gateway's protocol ${PROTOCOL_VERSION}`,
    });
    return out;
  }
  const lo = min ?? max ?? 0;
  const hi = max ?? min ?? 0;
  const range = lo === hi ? `protocol ${lo}` : `protocols ${lo}-${hi}`;
  if (lo <= PROTOCOL_VERSION && PROTOCOL_VERSION <= hi) {
    out.push({
      severity: "info",
      message: `The Control UI assets in ${short} speak ${range}, which includes the gateway's ` +
        `protocol ${PROTOCOL_VERSION}`,
    });
  } else {
    out.push({
      severity: "warn",
      message: `The Control UI assets in ${short} speak ${range}, but this gateway speaks ` +
        `protocol ${PROTOCOL_VERSION}: the dashboard will be refused with "protocol mismatch"`,
      path: "gateway.controlUi.root",
      fix: `Rebuild the Control UI from the release that matches this gateway, ${unset}`,
    });
  }
  return out;
}

/** `ui.protocol`: "UI protocol refresh". */
export const uiProtocolCheck: DoctorCheck = {
  id: "ui.protocol",
  title: "UI protocol refresh",
  order: 2,
  needsConfig: true,
  run(ctx) {
    const ui = obj(obj(ctx.config.audit.config.gateway).controlUi);
    if (ui.enabled === false) {
      return Promise.resolve({ skip: "Control UI is off (gateway.controlUi.enabled=false)" });
    }
    const root = typeof ui.root === "string" && ui.root.trim()
      ? expandHome(ui.root.trim(), ctx.env)
      : undefined;
    if (!root) {
      return Promise.resolve([{
        severity: "info",
        message: "No Control UI assets to rebuild (gateway.controlUi.root unset): the page this " +
          `gateway serves is built in and speaks its protocol ${PROTOCOL_VERSION}`,
      }]);
    }
    return Promise.resolve(uiRootFindings(ctx, root));
  },
};
