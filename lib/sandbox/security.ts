/**
 * Security validation of a sandbox config, run before docker is ever called (§8.3): bind mounts
 * must not expose the host's system directories or the Docker socket (also not through a
 * symlink anywhere on the path), and the network, seccomp and AppArmor settings must not switch
 * the isolation off.
 *
 * @module
 */
import { ExitCode, OpenClawError } from "../errors.ts";
import type { EffectiveSandboxConfig, SandboxBindSpec } from "./config.ts";

/** Bind sources that are blocked, and everything beneath them. */
export const BLOCKED_BIND_ROOTS: readonly string[] = [
  "/var/run/docker.sock",
  "/private/var/run/docker.sock",
  "/run/docker.sock",
  "/etc",
  "/private/etc",
  "/proc",
  "/sys",
  "/dev",
  "/root",
  "/boot",
  "/run",
  "/var/run",
  "/private/var/run",
];

/** Bind sources blocked only as a whole tree: mounting them exposes every user's files. */
export const BLOCKED_BIND_EXACT: readonly string[] = ["/", "/home", "/Users"];

const MOUNT_OPTIONS = new Set([
  "ro",
  "rw",
  "z",
  "Z",
  "private",
  "rprivate",
  "shared",
  "rshared",
  "slave",
  "rslave",
  "nocopy",
  "consistent",
  "cached",
  "delegated",
]);

const BIND_HINT =
  "Remove it from the config or mount a narrower directory; use :ro for sensitive data";

/** A validated bind mount. */
export interface ParsedBind {
  spec: string;
  configKey: string;
  source: string;
  /** `source` with every symlink resolved (what docker is given). */
  resolvedSource: string;
  target: string;
  readOnly: boolean;
  /** Mount options as written (`ro`, `z`, ...). */
  options: string[];
}

function bindError(code: string, bind: SandboxBindSpec, why: string): OpenClawError {
  return new OpenClawError(
    code,
    `Sandbox security: bind mount "${bind.spec}" (${bind.configKey}) ${why}`,
    { hint: BIND_HINT, exitCode: ExitCode.config, details: { configKey: bind.configKey } },
  );
}

function hasDotSegments(path: string): boolean {
  return path.split("/").some((part) => part === "." || part === "..");
}

/** Collapses repeated slashes and drops a trailing one. */
/** Normalises an absolute path: no `//`, no `.`/`..` segments (`/a/../etc` is `/etc`). */
function tidy(path: string): string {
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return "/" + parts.join("/");
}

/**
 * Parses `source:target[:options]`.
 *
 * @throws {OpenClawError} `SANDBOX_BIND_INVALID` for a malformed spec,
 *   `SANDBOX_BIND_DANGEROUS` for a relative (or named-volume) source.
 */
export function parseBind(bind: SandboxBindSpec): ParsedBind {
  const parts = bind.spec.split(":");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p.trim() === "")) {
    throw bindError(
      "SANDBOX_BIND_INVALID",
      bind,
      'is malformed: expected "/host/path:/container/path[:ro|rw]"',
    );
  }
  const [source, target, opts = ""] = parts;
  if (!source.startsWith("/")) {
    throw bindError(
      "SANDBOX_BIND_DANGEROUS",
      bind,
      `uses a non-absolute source path "${source}": only absolute host paths may be mounted`,
    );
  }
  if (!target.startsWith("/")) {
    throw bindError("SANDBOX_BIND_INVALID", bind, `has a non-absolute target "${target}"`);
  }
  if (hasDotSegments(source) || hasDotSegments(target)) {
    throw bindError("SANDBOX_BIND_INVALID", bind, 'has "." or ".." segments: write the plain path');
  }
  const options = opts === "" ? [] : opts.split(",");
  const unknown = options.find((o) => !MOUNT_OPTIONS.has(o));
  if (unknown !== undefined) {
    throw bindError(
      "SANDBOX_BIND_INVALID",
      bind,
      `has an unknown mount option "${unknown}" (use ro or rw)`,
    );
  }
  if (options.includes("ro") && options.includes("rw")) {
    throw bindError("SANDBOX_BIND_INVALID", bind, "cannot be both ro and rw");
  }
  return {
    spec: bind.spec,
    configKey: bind.configKey,
    source: tidy(source),
    resolvedSource: tidy(source),
    target: tidy(target),
    readOnly: options.includes("ro"),
    options,
  };
}

function lstat(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch {
    return undefined;
  }
}

/**
 * Resolves every symlink on an absolute path, component by component, so a link in any existing
 * ancestor (or a dangling link) is followed; the missing tail is kept as written.
 */
export function resolveThroughSymlinks(path: string): string {
  let pending = tidy(path).split("/").filter(Boolean);
  let current = "";
  for (let hops = 0; pending.length > 0;) {
    const name = pending.shift()!;
    if (name === "..") {
      current = current.slice(0, current.lastIndexOf("/"));
      continue;
    }
    if (name === ".") continue;
    const next = `${current}/${name}`;
    const info = lstat(next);
    if (!info) return tidy([next, ...pending].join("/"));
    if (!info.isSymlink) {
      current = next;
      continue;
    }
    // 40 is the kernel's own limit (ELOOP); past it we stop and judge what we have.
    if (++hops > 40) return next;
    let link: string;
    try {
      link = Deno.readLinkSync(next);
    } catch {
      // An unreadable link (e.g. /proc/1/root) is judged by its written path.
      return tidy([next, ...pending].join("/"));
    }
    pending = [...link.split("/").filter(Boolean), ...pending];
    if (link.startsWith("/")) current = "";
  }
  return current || "/";
}

function beneath(path: string, root: string): boolean {
  return path === root || root === "/" || path.startsWith(root + "/");
}

function dockerHostSocket(env: Record<string, string | undefined>): string | undefined {
  const host = env.DOCKER_HOST;
  return host?.startsWith("unix://") ? tidy(host.slice("unix://".length)) : undefined;
}

/**
 * Returns why a bind source is dangerous (e.g. `targets blocked path "/etc"`), or undefined.
 * Both the path as written and the path with every symlink resolved are judged.
 */
export function dangerousBindReason(
  source: string,
  env: Record<string, string | undefined> = Deno.env.toObject(),
): string | undefined {
  const written = tidy(source);
  const resolved = resolveThroughSymlinks(written);
  const roots = [...BLOCKED_BIND_ROOTS];
  const socket = dockerHostSocket(env);
  if (socket) roots.unshift(socket);
  for (const p of resolved === written ? [written] : [written, resolved]) {
    const via = p === written ? "" : ` (through a symlink: "${p}")`;
    const hit = roots.find((root) => beneath(p, root));
    if (hit) return `targets blocked path "${hit}"${via}`;
    if (BLOCKED_BIND_EXACT.includes(p)) return `covers blocked path "${p}"${via}`;
    const covered = roots.find((root) => beneath(root, p));
    if (covered) return `covers blocked path "${covered}"${via}`;
    if (/(^|\/)(docker|containerd|podman)\.sock$/.test(p)) {
      return `targets a container engine socket "${p}"${via}`;
    }
  }
  const info = (() => {
    try {
      return Deno.statSync(resolved);
    } catch {
      return undefined;
    }
  })();
  if (info?.isSocket) return `targets a socket "${resolved}"`;
  if (info?.isDirectory && lstat(`${resolved}/docker.sock`)) {
    return `covers a Docker socket "${resolved}/docker.sock"`;
  }
  return undefined;
}

/**
 * Validates the binds of a sandbox; `reservedTargets` are container paths openclaw mounts itself.
 *
 * @throws {OpenClawError} `SANDBOX_BIND_DANGEROUS` or `SANDBOX_BIND_INVALID`, naming the bind
 *   and its config key.
 */
export function validateBinds(
  binds: readonly SandboxBindSpec[],
  options: { reservedTargets?: readonly string[]; allowReservedTargets?: boolean } = {},
): ParsedBind[] {
  return binds.map((bind) => {
    const parsed = parseBind(bind);
    const why = dangerousBindReason(parsed.source);
    if (why) throw bindError("SANDBOX_BIND_DANGEROUS", bind, why);
    parsed.resolvedSource = resolveThroughSymlinks(parsed.source);
    if (!options.allowReservedTargets) {
      const reserved = options.reservedTargets?.find((t) =>
        beneath(parsed.target, t) || beneath(t, parsed.target)
      );
      if (reserved) {
        throw bindError(
          "SANDBOX_BIND_INVALID",
          bind,
          `overlaps "${reserved}", where openclaw mounts the workspace ` +
            "(set docker.dangerouslyAllowReservedContainerTargets to allow it)",
        );
      }
    }
    return parsed;
  });
}

function configDanger(key: string, message: string): OpenClawError {
  return new OpenClawError("SANDBOX_CONFIG_DANGEROUS", `Sandbox security: ${message} (${key})`, {
    hint: `Change ${key}; the sandbox must keep its isolation`,
    exitCode: ExitCode.config,
    details: { configKey: key },
  });
}

/**
 * Validates everything security-relevant in a sandbox config and returns the parsed binds.
 *
 * @throws {OpenClawError} `SANDBOX_CONFIG_DANGEROUS` (network `host`, joining another
 *   container's namespace, unconfined seccomp/AppArmor), plus the errors of
 *   {@linkcode validateBinds}.
 */
export function validateSandboxSecurity(
  config: EffectiveSandboxConfig,
  reservedTargets: readonly string[] = [],
): ParsedBind[] {
  const d = config.docker;
  const network = d.network.trim().toLowerCase();
  if (network === "host") {
    throw configDanger(config.dockerKeys.network, 'network mode "host" is blocked');
  }
  if (network.startsWith("container:") && !d.dangerouslyAllowContainerNamespaceJoin) {
    throw configDanger(
      config.dockerKeys.network,
      `network mode "${d.network}" joins another container's namespace and is blocked`,
    );
  }
  if (d.seccompProfile?.trim().toLowerCase() === "unconfined") {
    throw configDanger(config.dockerKeys.seccompProfile, 'seccomp profile "unconfined" is blocked');
  }
  if (d.apparmorProfile?.trim().toLowerCase() === "unconfined") {
    throw configDanger(
      config.dockerKeys.apparmorProfile,
      'AppArmor profile "unconfined" is blocked',
    );
  }
  return validateBinds(d.binds, {
    reservedTargets,
    allowReservedTargets: d.dangerouslyAllowReservedContainerTargets,
  });
}
