/**
 * First-run set-up: the state directory, a minimal config and the agent workspace. Safe to run
 * again: it only creates what is missing and never overwrites a file.
 *
 * @module
 */
import { applyConfigEdits } from "../config/edit.ts";
import { getAtPath } from "../config/path.ts";
import { parseConfigText } from "../config/read.ts";
import { updateConfigText } from "../config/store.ts";
import { ensureDir } from "../fs/atomic.ts";
import {
  expandHome,
  joinPath,
  resolveConfigPath,
  resolveDefaultWorkspace,
  resolveStateDir,
} from "../paths.ts";
import { VERSION } from "../version.ts";
import { WORKSPACE_TEMPLATES } from "../workspace/templates.ts";

/** Options for {@linkcode runSetup}. */
export interface SetupOptions {
  /** Workspace directory to record in the config. @default resolveDefaultWorkspace() */
  workspace?: string;
  stateDir?: string;
  configPath?: string;
  now?: Date;
}

/** What {@linkcode runSetup} found and did. */
export interface SetupResult {
  stateDir: string;
  configPath: string;
  workspace: string;
  /** Paths created by this run. */
  created: string[];
  /** Config keys this run set. */
  configured: string[];
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

function initialConfig(workspace: string, now: Date): string {
  return `// openclaw config (JSON5: comments and trailing commas are fine).
// Change it with \`openclaw config set <path> <value>\`; see \`openclaw config schema\`.
{
  gateway: {
    mode: "local",
  },
  agents: {
    defaults: {
      workspace: ${JSON.stringify(workspace)},
    },
  },
  meta: {
    lastTouchedVersion: ${JSON.stringify(VERSION)},
    lastTouchedAt: ${JSON.stringify(now.toISOString())},
  },
}
`;
}

/** Creates what is missing of the state dir (0700), config (0600) and workspace. */
export async function runSetup(options: SetupOptions = {}): Promise<SetupResult> {
  const stateDir = options.stateDir ?? resolveStateDir();
  const configPath = options.configPath ?? resolveConfigPath();
  const now = options.now ?? new Date();
  const created: string[] = [];
  const configured: string[] = [];

  if (!exists(stateDir)) created.push(stateDir);
  ensureDir(stateDir, 0o700);
  Deno.chmodSync(stateDir, 0o700);

  let workspace = options.workspace ? expandHome(options.workspace) : undefined;
  await updateConfigText(configPath, (current) => {
    if (!current.exists || current.text.trim() === "") {
      workspace ??= resolveDefaultWorkspace();
      created.push(configPath);
      configured.push("gateway.mode", "agents.defaults.workspace");
      return initialConfig(workspace, now);
    }
    const parsed = parseConfigText(current.text, configPath);
    const edits = [];
    if (!getAtPath(parsed, ["gateway", "mode"]).found) {
      edits.push({ op: "set" as const, path: ["gateway", "mode"], value: "local" });
      configured.push("gateway.mode");
    }
    const configuredWorkspace = getAtPath(parsed, ["agents", "defaults", "workspace"]);
    if (workspace !== undefined) {
      edits.push({
        op: "set" as const,
        path: ["agents", "defaults", "workspace"],
        value: workspace,
      });
      configured.push("agents.defaults.workspace");
    } else if (configuredWorkspace.found && typeof configuredWorkspace.value === "string") {
      workspace = expandHome(configuredWorkspace.value);
    } else {
      workspace = resolveDefaultWorkspace();
    }
    return edits.length ? applyConfigEdits(current.text, edits, configPath).text : undefined;
  });

  // The default agent's session store lives here; doctor expects it.
  const sessions = joinPath(stateDir, "agents", "main", "sessions");
  if (!exists(sessions)) created.push(sessions);
  ensureDir(sessions, 0o700);

  const ws = workspace ?? resolveDefaultWorkspace();
  if (!exists(ws)) created.push(ws);
  ensureDir(ws, 0o700);
  for (const [name, content] of Object.entries(WORKSPACE_TEMPLATES)) {
    const file = joinPath(ws, name);
    try {
      // createNew: a file the user already has is never overwritten, even in a race.
      Deno.writeTextFileSync(file, content, { createNew: true, mode: 0o600 });
      created.push(file);
    } catch (err) {
      if (!(err instanceof Deno.errors.AlreadyExists)) throw err;
    }
  }
  return { stateDir, configPath, workspace: ws, created, configured };
}
