/**
 * `openclaw config file|get|set|unset|validate|schema`.
 *
 * `file` and `get` never load the schema (zod), so they stay fast and keep working on a config
 * that does not validate; the commands that write or check load it on demand.
 *
 * @module
 */
import type { CommandUnknownOpts } from "@commander-js/extra-typings";
import { parseJson5Value } from "../../lib/json5/parse.ts";
import { configEnvVars } from "../../lib/env.ts";
import { ExitCode, OpenClawError } from "../../lib/errors.ts";
import { formatConfigPath, getAtPath, parseConfigPath } from "../../lib/config/path.ts";
import {
  parseConfigText,
  readConfigFile,
  resolveIncludes,
  substituteEnvVars,
} from "../../lib/config/read.ts";
import { resolveConfigPath, shortenHome } from "../../lib/paths.ts";
import { printErr, printJson, printLine, printWarn } from "../output.ts";
import { act } from "../program.ts";

/** Registers `config` and its sub-commands. */
export function register(program: CommandUnknownOpts): void {
  const config = program.command("config").description("Read and edit openclaw.json (JSON5)");

  config.command("file")
    .description("Print the path of the active config file")
    .option("--json", "Print as JSON")
    .action(act(async (opts: { json?: boolean }) => {
      const path = resolveConfigPath();
      if (opts.json) {
        const file = await readConfigFile(path);
        printJson({ path, exists: file.exists });
      } else {
        printLine(path);
      }
    }));

  config.command("get")
    .description("Print the value at a path, e.g. gateway.port or agents.list[0].id")
    .argument("<path>", "Dotted path")
    .option("--json", "Print the value as JSON (secrets redacted)")
    .action(act(async (path: string, opts: { json?: boolean }) => {
      const value = await configGet(path, { redact: opts.json });
      if (opts.json) printJson(value);
      else printLine(typeof value === "string" ? value : JSON.stringify(value, null, 2));
    }));

  config.command("set")
    .description("Set a value (parsed as JSON5, else taken as a string); validated before writing")
    .argument("<path>", "Dotted path")
    .argument("<value>", "JSON5 value or plain string")
    .option(
      "--strict-json",
      "Require the value to be valid JSON5 instead of falling back to a string",
    )
    .option("--dry-run", "Validate and show the result without writing")
    .option("--json", "Print the result as JSON")
    .action(
      act(
        async (
          path: string,
          raw: string,
          opts: { strictJson?: boolean; dryRun?: boolean; json?: boolean },
        ) => {
          const value = parseCliValue(raw, opts.strictJson ?? false);
          const { editConfig } = await import("./config_edit.ts");
          const result = await editConfig([{ op: "set", path: parseConfigPath(path), value }], {
            dryRun: opts.dryRun,
          });
          report(result, opts.json, `Set ${formatConfigPath(parseConfigPath(path))}`);
        },
      ),
    );

  config.command("unset")
    .description("Remove the value at a path")
    .argument("<path>", "Dotted path")
    .option("--dry-run", "Validate and show the result without writing")
    .option("--json", "Print the result as JSON")
    .action(act(async (path: string, opts: { dryRun?: boolean; json?: boolean }) => {
      const { editConfig } = await import("./config_edit.ts");
      const result = await editConfig([{ op: "unset", path: parseConfigPath(path) }], {
        dryRun: opts.dryRun,
      });
      if (result.missing.length) {
        if (!opts.json) printErr(`Nothing to unset: ${result.missing.join(", ")} is not set`);
      }
      report(result, opts.json, `Removed ${formatConfigPath(parseConfigPath(path))}`);
    }));

  config.command("validate")
    .description(
      "Check the config against the schema without starting anything (exit 78 when invalid)",
    )
    .option("--json", "Print the result as JSON")
    .action(act(async (opts: { json?: boolean }) => {
      const { validateCommand } = await import("./config_edit.ts");
      return await validateCommand(opts.json ?? false);
    }));

  config.command("schema")
    .description("Print the JSON Schema of openclaw.json")
    .option("--json", "Print as JSON (the default)")
    .action(act(async () => {
      const { configJsonSchema } = await import("../../lib/config/schema.ts");
      printJson(configJsonSchema());
    }));
}

/**
 * Parses a CLI value as JSON5; anything that does not parse is a plain string unless `strict`.
 *
 * @throws {OpenClawError} `USAGE` in strict mode for a value that is not JSON5.
 */
export function parseCliValue(raw: string, strict: boolean): unknown {
  try {
    return parseJson5Value(raw);
  } catch (err) {
    if (!strict) return raw;
    throw new OpenClawError(
      "USAGE",
      `Cannot parse value "${raw.slice(0, 40)}" as JSON5: ${(err as Error).message}`,
      {
        exitCode: ExitCode.usage,
        hint: "Quote strings (e.g. '\"text\"') or drop --strict-json",
      },
    );
  }
}

/**
 * Returns the value at `path` after `$include` and `${VAR}` substitution. With `redact`, every
 * secret in it is replaced by the redaction sentinel, as `config.get` does: strings at
 * secret-bearing paths, and any configured secret value found in other strings.
 *
 * @throws {OpenClawError} `CONFIG_PATH_NOT_FOUND` when nothing is set there.
 */
export async function configGet(
  path: string,
  options: { redact?: boolean } = {},
): Promise<unknown> {
  const segments = parseConfigPath(path);
  const configPath = resolveConfigPath();
  const file = await readConfigFile(configPath);
  const root = resolveIncludes(parseConfigText(file.text, configPath), configPath);
  const hit = getAtPath(root, segments);
  if (!hit.found) {
    throw new OpenClawError("CONFIG_PATH_NOT_FOUND", `Config path not found: ${path}`, {
      hint: file.exists
        ? `It is not set in ${
          shortenHome(configPath)
        }; set it with: openclaw config set ${path} <value>`
        : `There is no config at ${shortenHome(configPath)} yet; create one with: openclaw setup`,
    });
  }
  // Only the requested subtree is substituted, so a missing variable elsewhere does not hide
  // the value asked for.
  const block = (root as Record<string, unknown>).env;
  const env = { ...configEnvVars(block), ...Deno.env.toObject() };
  const value = substituteEnvVars(hit.value, env, segments);
  if (!options.redact) return value;
  const { knownSecretValues, redactConfigObject } = await import("../../lib/config/redact.ts");
  // Secrets of the whole file count (one may be copied into the subtree asked for); a variable
  // missing elsewhere only drops the substituted view of the file, not the redaction.
  const configs: unknown[] = [root, value];
  try {
    configs.push(substituteEnvVars(root, env));
  } catch { /* the raw view still names every secret written in the file */ }
  return redactConfigObject(value, knownSecretValues(configs), segments);
}

interface EditReport {
  configPath: string;
  changed: boolean;
  dryRun: boolean;
  remainingIssues: { path: string; message: string }[];
  text?: string;
}

function report(result: EditReport, json: boolean | undefined, done: string): void {
  if (json) {
    printJson({
      ok: true,
      configPath: result.configPath,
      changed: result.changed,
      dryRun: result.dryRun,
      remainingIssues: result.remainingIssues,
    });
    return;
  }
  if (result.dryRun) {
    printLine(result.text ?? "");
    printErr("Dry run: nothing was written.");
  } else if (result.changed) {
    printLine(`${done} in ${shortenHome(result.configPath)}`);
  } else {
    printLine(`No change: ${shortenHome(result.configPath)} already has that value`);
  }
  if (result.remainingIssues.length) {
    printWarn(
      `the config still has ${result.remainingIssues.length} problem(s) from before this edit:`,
    );
    for (const i of result.remainingIssues) printErr(`- ${i.path}: ${i.message}`);
    printErr('Run "openclaw config validate" or "openclaw doctor" for details.');
  }
}
