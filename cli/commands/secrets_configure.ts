/**
 * The interactive `secrets configure` wizard (clack prompts): pick a plaintext secret, pick a
 * provider, confirm, move. Loaded only when the command runs on a terminal.
 *
 * @module
 */
import * as p from "@clack/prompts";
import { ENV_SECRET_ID, SECRET_PROVIDER_ALIAS } from "../../lib/config/schema/_common.ts";
import { parseJsonPointer } from "../../lib/secrets/json_pointer.ts";
import {
  DEFAULT_FILE_PROVIDER_ALIAS,
  listMovableSecrets,
  moveSecretToProvider,
  type SecretTarget,
  suggestEnvVarName,
  suggestJsonPointer,
} from "../../lib/secrets/configure.ts";
import { secretRefKey } from "../../lib/secrets/ref.ts";
import { joinPath, resolveConfigPath, resolveStateDir, shortenHome } from "../../lib/paths.ts";
import { ExitCode } from "../../lib/errors.ts";

class Cancelled extends Error {}

function answer<T>(value: T): Exclude<T, symbol> {
  if (p.isCancel(value)) throw new Cancelled();
  return value as Exclude<T, symbol>;
}

function validPointer(v: string | undefined): string | undefined {
  try {
    parseJsonPointer(v ?? "");
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

async function chooseTarget(segments: (string | number)[]): Promise<SecretTarget> {
  const provider = answer(
    await p.select({
      message: "Where should it live?",
      options: [
        { value: "env", label: "Environment variable", hint: "~/.openclaw/.env, mode 0600" },
        { value: "file", label: "JSON secrets file", hint: "at a JSON pointer, mode 0600" },
      ],
    }),
  );
  if (provider === "env") {
    const id = answer(
      await p.text({
        message: "Variable name",
        initialValue: suggestEnvVarName(segments),
        validate: (v) => ENV_SECRET_ID.test(v ?? "") ? undefined : "Use A-Z, 0-9 and _",
      }),
    );
    return { provider: "env", id };
  }
  const file = answer(
    await p.text({
      message: "Secrets file",
      initialValue: shortenHome(joinPath(resolveStateDir(), "secrets.json")),
    }),
  );
  const pointer = answer(
    await p.text({
      message: "JSON pointer inside it",
      initialValue: suggestJsonPointer(segments),
      validate: validPointer,
    }),
  );
  const alias = answer(
    await p.text({
      message: "Provider alias (secrets.providers.<alias>)",
      initialValue: DEFAULT_FILE_PROVIDER_ALIAS,
      validate: (v) => SECRET_PROVIDER_ALIAS.test(v ?? "") ? undefined : "Use a-z, 0-9, _ and -",
    }),
  );
  return { provider: "file", file, pointer, alias };
}

/** Runs the wizard; returns the exit code. Errors from the move are thrown to the CLI. */
export async function runConfigureWizard(): Promise<number> {
  const configPath = resolveConfigPath();
  p.intro("openclaw secrets configure");
  try {
    const found = await listMovableSecrets(configPath);
    if (found.length === 0) {
      p.outro(`No plaintext secrets in ${shortenHome(configPath)}: nothing to move.`);
      return ExitCode.ok;
    }
    const path = answer(
      await p.select({
        message: "Which secret should move out of openclaw.json?",
        options: found.map((f) => ({ value: f.path, label: f.path })),
      }),
    );
    const segments = found.find((f) => f.path === path)!.segments;
    const target = await chooseTarget(segments);
    const ok = answer(await p.confirm({ message: `Replace ${path} with a SecretRef now?` }));
    if (!ok) throw new Cancelled();
    const spin = p.spinner();
    spin.start("Moving the secret");
    try {
      const result = await moveSecretToProvider({ path, target, configPath });
      spin.stop(`${result.path} \u2192 ${secretRefKey(result.ref)} (${shortenHome(result.store)})`);
    } catch (err) {
      spin.error("Nothing was changed in openclaw.json");
      throw err;
    }
    p.outro("Done. Check with: openclaw secrets audit --check");
    return ExitCode.ok;
  } catch (err) {
    if (!(err instanceof Cancelled)) throw err;
    p.cancel("Cancelled: nothing changed");
    return ExitCode.failed;
  }
}
