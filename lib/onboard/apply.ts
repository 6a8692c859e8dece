/**
 * Writing what the wizard planned: secrets into `<stateDir>/.env` (0600), the config through the
 * locked, comment-keeping path every config writer uses (with a `.bak`), and the workspace with
 * its bootstrap files. Nothing is written unless the edited config validates.
 *
 * @module
 */
import { applyConfigEdits } from "../config/edit.ts";
import { checkConfigText, formatIssueLines } from "../config/load.ts";
import { updateConfigText } from "../config/store.ts";
import { ExitCode, OpenClawError } from "../errors.ts";
import { ensureDir } from "../fs/atomic.ts";
import { joinPath, shortenHome } from "../paths.ts";
import { maskSecrets } from "../secrets/mask.ts";
import { runSetup } from "../setup/first_run.ts";
import type { OnboardAnswers } from "./answers.ts";
import type { OnboardContext } from "./context.ts";
import { writeEnvFileVars } from "./env_file.ts";
import { type OnboardPlan, planOnboarding } from "./plan.ts";

/** What {@linkcode applyOnboarding} wrote. */
export interface ApplyOutcome {
  configPath: string;
  /** False when the config already said all of it. */
  changed: boolean;
  /** `<stateDir>/.env`, when the plan stores variables there. */
  envFile?: string;
  /** Names of the variables whose value this run wrote. */
  envVarsWritten: string[];
  /** The workspace (local mode). */
  workspace?: string;
  /** Files and directories this run created. */
  created: string[];
  plan: OnboardPlan;
}

/**
 * Refuses a plan whose `.env` variable the user's own environment sets to something else: that
 * value would win over the file, so the stored one would never be used.
 *
 * @throws {OpenClawError} `USAGE` with stock's "does not match" message.
 */
export function checkAmbientEnv(ctx: OnboardContext, plan: OnboardPlan): void {
  for (const v of plan.envVars) {
    const ambient = ctx.env[v.name];
    if (ambient === undefined || ambient === "" || ambient === v.value) continue;
    // A value our own .env put into this process is about to be replaced, not a conflict.
    if (Object.hasOwn(ctx.stateDotenv, v.name) && ctx.stateDotenv[v.name] === ambient) continue;
    throw new OpenClawError(
      "USAGE",
      `${v.source} does not match ${v.name}. Set the environment variable to the same value or omit the flag.`,
      { exitCode: ExitCode.usage, hint: `Or unset ${v.name} in this shell and retry` },
    );
  }
}

function invalidResult(
  ctx: OnboardContext,
  plan: OnboardPlan,
  issues: { path: string; message: string }[],
) {
  return new OpenClawError(
    "CONFIG_INVALID",
    maskSecrets(
      `Refusing to write ${
        shortenHome(ctx.configPath, ctx.env)
      }: the wizard's changes would make the config invalid:\n${formatIssueLines(issues)}`,
      plan.secrets,
    ),
    { hint: "Nothing was written. Check the answers, or run: openclaw doctor" },
  );
}

function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Applies the answers: checks, then `.env`, then the config, then the workspace.
 *
 * @param ctx The run's context (its config text is what the user reviewed).
 * @param answers The final answers.
 * @returns What was written.
 * @throws {OpenClawError} `USAGE` for a conflicting environment variable, `CONFIG_INVALID` when
 *   the result would not validate (nothing written), or the errors of the writers.
 */
export async function applyOnboarding(
  ctx: OnboardContext,
  answers: OnboardAnswers,
): Promise<ApplyOutcome> {
  const plan = planOnboarding(ctx, answers);
  checkAmbientEnv(ctx, plan);
  const refEnv = { ...ctx.env, ...Object.fromEntries(plan.envVars.map((v) => [v.name, v.value])) };
  const check = (text: string) => {
    const result = checkConfigText(text, ctx.configPath, { applyEnv: false, env: refEnv });
    if (!result.valid) throw invalidResult(ctx, plan, result.issues);
  };
  check(applyConfigEdits(ctx.configText, plan.edits, ctx.configPath).text);

  const created: string[] = [];
  if (!exists(ctx.stateDir)) created.push(ctx.stateDir);
  ensureDir(ctx.stateDir, 0o700);
  const envFile = joinPath(ctx.stateDir, ".env");
  const envVarsWritten = plan.envVars.length ? writeEnvFileVars(envFile, plan.envVars) : [];

  const hadConfig = exists(ctx.configPath);
  const update = await updateConfigText(ctx.configPath, (current) => {
    // The file may have changed since the review; the edits are by path, so they still apply,
    // and the result is checked again.
    const next = applyConfigEdits(current.text, plan.edits, ctx.configPath).text;
    check(next);
    return next;
  });
  if (!hadConfig) created.push(ctx.configPath);

  if (plan.mode === "local" && plan.workspace) {
    if (answers.skipBootstrap) {
      for (const dir of [plan.workspace, joinPath(ctx.stateDir, "agents", "main", "sessions")]) {
        if (!exists(dir)) created.push(dir);
        ensureDir(dir, 0o700);
      }
    } else {
      // setup reads the workspace from the config just written, so it edits nothing there.
      const setup = await runSetup({
        stateDir: ctx.stateDir,
        configPath: ctx.configPath,
        now: ctx.now,
      });
      created.push(...setup.created.filter((p) => !created.includes(p)));
    }
  }
  return {
    configPath: ctx.configPath,
    changed: update.changed,
    ...(plan.envVars.length ? { envFile } : {}),
    envVarsWritten,
    ...(plan.workspace ? { workspace: plan.workspace } : {}),
    created,
    plan,
  };
}
