/**
 * `runtime.practice`: "Runtime best practices". Cheap facts about how the gateway runs here: the
 * Deno version, running as root, a service that starts a Node/Bun program or a binary from a
 * version manager or the npx cache (gone after an upgrade or a cache clean-up), the open-file
 * limit (it caps connections), a state directory on tmpfs or a network filesystem, and low memory
 * without swap.
 *
 * @module
 */
import { maxConnectionsFor, openFileLimit } from "../../net/fd_limit.ts";
import { openclawCommand, shortenHome } from "../../paths.ts";
import type { DoctorCheck, DoctorContext, DoctorFinding } from "../types.ts";
import { compareVersions } from "./freshness.ts";

/** The Deno release openclaw is built and tested on. */
const BUILT_FOR_DENO = "2.9.6";
/** Install locations that move or vanish on upgrade: version managers and download caches. */
const VERSION_MANAGED = new RegExp(
  "/(\\.nvm|\\.fnm|fnm|\\.volta|\\.asdf|\\.local/share/mise|mise/installs|\\.deno/versions|" +
    "_npx|\\.npm/_npx|\\.cache/deno/dl)/",
);
const NETWORK_FS = new Set([
  "nfs",
  "nfs4",
  "cifs",
  "smb3",
  "smbfs",
  "sshfs",
  "fuse.sshfs",
  "9p",
  "afs",
  "ceph",
  "glusterfs",
  "fuse.rclone",
]);
const VOLATILE_FS = new Set(["tmpfs", "ramfs"]);
const LOW_MEMORY_BYTES = 2 * 1024 ** 3;

function unescapeMount(path: string): string {
  return path.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The filesystem type `path` lives on, from `/proc/self/mounts` (Linux); undefined elsewhere. */
export function filesystemOf(path: string, mountsText?: string): string | undefined {
  let text = mountsText;
  if (text === undefined) {
    try {
      text = Deno.readTextFileSync("/proc/self/mounts");
    } catch {
      return undefined;
    }
  }
  let best: { point: string; type: string } | undefined;
  for (const line of text.split("\n")) {
    const [, rawPoint, type] = line.split(" ");
    if (!rawPoint || !type) continue;
    const point = unescapeMount(rawPoint);
    const inside = point === "/" || path === point || path.startsWith(point + "/");
    if (inside && (!best || point.length >= best.point.length)) best = { point, type };
  }
  return best?.type;
}

/** The state dir as it really is (links resolved), or the nearest existing parent. */
function realStateDir(dir: string): string {
  let at = dir;
  for (let i = 0; i < 32; i++) {
    try {
      return Deno.realPathSync(at);
    } catch {
      const up = at.replace(/\/[^/]+\/?$/, "") || "/";
      if (up === at) return dir;
      at = up;
    }
  }
  return dir;
}

async function serviceFindings(ctx: DoctorContext): Promise<DoctorFinding[]> {
  let program: string | undefined;
  try {
    const { inspectService } = await import("../../service/mod.ts");
    const svc = await inspectService({ env: ctx.env });
    if (!svc.installed) return [];
    program = svc.programArguments?.[0];
  } catch {
    return []; // service problems are reported by "Gateway service config"
  }
  if (!program) return [];
  const reinstall = openclawCommand("gateway install --force", ctx.env);
  const base = program.slice(program.lastIndexOf("/") + 1);
  if (/^(node|nodejs|bun)(\.exe)?$/.test(base)) {
    return [{
      severity: "warn",
      message: `The gateway service runs ${program}, a Node/Bun program, not this openclaw ` +
        "(an older install?)",
      fix: reinstall,
    }];
  }
  if (VERSION_MANAGED.test(program)) {
    return [{
      severity: "warn",
      message: `The gateway service runs ${shortenHome(program, ctx.env)} from a version ` +
        "manager or download cache: an upgrade or a clean-up removes it and the service stops " +
        "starting",
      fix: `Install deno (or the openclaw binary) system-wide, then: ${reinstall}`,
    }];
  }
  return [];
}

function stateDirFindings(ctx: DoctorContext): DoctorFinding[] {
  const real = realStateDir(ctx.stateDir);
  const short = shortenHome(ctx.stateDir, ctx.env);
  const type = filesystemOf(real);
  const fix = "Set OPENCLAW_STATE_DIR to a directory on a local disk";
  if (type && VOLATILE_FS.has(type)) {
    return [{
      severity: "warn",
      message: `State directory ${short} is on ${type}: sessions, credentials and the config ` +
        "are lost at reboot",
      path: ctx.stateDir,
      fix,
    }];
  }
  if (type && NETWORK_FS.has(type)) {
    return [{
      severity: "warn",
      message: `State directory ${short} is on a network filesystem (${type}): file locks and ` +
        "atomic renames there are unreliable",
      path: ctx.stateDir,
      fix,
    }];
  }
  return [];
}

function limitsFindings(): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const limit = openFileLimit();
  const conns = maxConnectionsFor(undefined, limit);
  out.push(
    limit < 1024
      ? {
        severity: "warn",
        message: `Open-file limit is ${limit}: the gateway can hold only about ${conns} ` +
          "connections",
        fix: "Raise it: ulimit -n 65536 (or LimitNOFILE=65536 in the service unit)",
      }
      : {
        severity: "info",
        message: `Open-file limit ${limit}: room for about ${conns} connections`,
      },
  );
  let mem: Deno.SystemMemoryInfo | undefined;
  try {
    mem = Deno.systemMemoryInfo();
  } catch { /* not available on this platform */ }
  if (mem && mem.total < LOW_MEMORY_BYTES && mem.swapTotal === 0) {
    out.push({
      severity: "warn",
      message: `Only ${Math.round(mem.total / 1024 ** 2)} MB of memory and no swap: under load ` +
        "the kernel may kill the gateway",
      fix: "Add swap (e.g. a 2 GB swap file) or more memory",
    });
  }
  return out;
}

/** `runtime.practice`. */
export const runtimePracticeCheck: DoctorCheck = {
  id: "runtime.practice",
  title: "Runtime best practices",
  order: 97,
  timeoutMs: 10_000,
  async run(ctx) {
    const out: DoctorFinding[] = [{
      severity: "info",
      message: `Runtime: Deno ${Deno.version.deno} on ${Deno.build.os}/${Deno.build.arch}`,
    }];
    if (compareVersions(Deno.version.deno, "2.9.0") < 0) {
      out.push({
        severity: "warn",
        message: `Deno ${Deno.version.deno} is older than the ${BUILT_FOR_DENO} openclaw is ` +
          "built for",
        fix:
          `Use Deno ${BUILT_FOR_DENO} (npx --yes deno@${BUILT_FOR_DENO} \u2026) or the openclaw binary`,
      });
    }
    if (Deno.build.os !== "windows" && Deno.uid() === 0) {
      out.push({
        severity: "warn",
        message: "Running as root: the agent's tools and anything a chat can reach run with " +
          "full control of this machine",
        fix: "Run openclaw as an ordinary user that owns the state directory",
      });
    }
    out.push(...await serviceFindings(ctx));
    out.push(...stateDirFindings(ctx));
    out.push(...limitsFindings());
    return out;
  },
};
