/**
 * `sandbox.image`: when any agent is sandboxed, Docker is there and the sandbox image exists.
 *
 * @module
 */
import type { DoctorCheck, DoctorFinding } from "../types.ts";

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? v as Obj : {};
}

/** The image sandboxes use unless configured otherwise. */
export const DEFAULT_SANDBOX_IMAGE = "openclaw-sandbox:bookworm-slim";

const SETUP_HINT = "scripts/sandbox-setup.sh";

/** Images of every sandbox whose mode is not `off` (defaults merged into each agent). */
export function activeSandboxImages(config: Obj): string[] {
  const defaults = obj(obj(obj(config.agents).defaults).sandbox);
  const defMode = typeof defaults.mode === "string" ? defaults.mode : "off";
  const defImage = typeof obj(defaults.docker).image === "string"
    ? obj(defaults.docker).image as string
    : DEFAULT_SANDBOX_IMAGE;
  const images = new Set<string>();
  if (defMode !== "off") images.add(defImage);
  const list = obj(config.agents).list;
  for (const agent of Array.isArray(list) ? list : []) {
    const sb = obj(obj(agent).sandbox);
    const mode = typeof sb.mode === "string" ? sb.mode : defMode;
    const image = typeof obj(sb.docker).image === "string"
      ? obj(sb.docker).image as string
      : defImage;
    if (mode !== "off") images.add(image);
  }
  return [...images];
}

/** `sandbox.image`. */
export const sandboxImageCheck: DoctorCheck = {
  id: "sandbox.image",
  title: "Sandbox image",
  order: 70,
  needsConfig: true,
  timeoutMs: 15_000,
  async run(ctx) {
    const config = ctx.config.audit.config;
    const backend = obj(obj(obj(config.agents).defaults).sandbox).backend;
    if (typeof backend === "string" && backend !== "docker") {
      return { skip: `Sandbox backend is "${backend}"` };
    }
    const images = activeSandboxImages(config);
    if (!images.length) return { skip: "Sandbox is off (agents.defaults.sandbox.mode)" };
    const out: DoctorFinding[] = [];
    for (const image of images) {
      const result = await ctx.probes.runCommand(
        "docker",
        ["image", "inspect", "--format", "{{.Id}}", image],
        ctx.signal,
      );
      if (!result) {
        return [{
          severity: "error",
          message: 'Sandbox mode requires Docker, but the "docker" command was not found in PATH',
          fix: `Install Docker, then build the image: ${SETUP_HINT} ` +
            "(or set agents.defaults.sandbox.mode off)",
        }];
      }
      if (result.code === 0) {
        out.push({ severity: "info", message: `Sandbox image ${image} is present` });
        continue;
      }
      const why = (result.stderr || result.stdout).trim().split("\n")[0] ?? "";
      if (/no such image|not found/i.test(why)) {
        out.push({
          severity: "error",
          message: `Sandbox image not found: ${image}. Build or pull it first.`,
          fix: image === DEFAULT_SANDBOX_IMAGE ? SETUP_HINT : `docker pull ${image} (or build it)`,
        });
        continue;
      }
      return [{
        severity: "error",
        message: `The Docker engine is not reachable: ${
          why || `docker exited with ${result.code}`
        }`,
        fix:
          "Start Docker (e.g. sudo systemctl start docker) and make sure this user may use it, " +
          `then build the image: ${SETUP_HINT}`,
      }];
    }
    return out;
  },
};
