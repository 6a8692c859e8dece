import assert from "node:assert/strict";
import { configEnvVars, layerEnv, parseEnvFile } from "../../lib/env.ts";

Deno.test("layerEnv() never overrides a variable the process already has", () => {
  const added = layerEnv({ A: "process" }, [
    { source: "cwd-dotenv", vars: { A: "cwd", B: "cwd" } },
  ]);
  assert.equal(added.A, undefined);
  assert.deepEqual(added.B, { value: "cwd", source: "cwd-dotenv" });
});

Deno.test("layerEnv() ranks ./.env over <stateDir>/.env over the config env block", () => {
  const added = layerEnv({}, [
    { source: "cwd-dotenv", vars: { A: "cwd" } },
    { source: "state-dotenv", vars: { A: "state", B: "state" } },
    { source: "config", vars: { A: "config", B: "config", C: "config" } },
  ]);
  assert.deepEqual(
    Object.fromEntries(Object.entries(added).map(([k, v]) => [k, v.value])),
    { A: "cwd", B: "state", C: "config" },
  );
});

Deno.test("configEnvVars() reads inline keys and env.vars, inline first", () => {
  assert.deepEqual(
    {
      ...configEnvVars({
        OPENROUTER_API_KEY: "sk-or",
        vars: { GROQ_API_KEY: "gsk", OPENROUTER_API_KEY: "x" },
        shellEnv: { enabled: true },
      }),
    },
    { OPENROUTER_API_KEY: "sk-or", GROQ_API_KEY: "gsk" },
  );
});

Deno.test("parseEnvFile() reads quoted values and comments", () => {
  assert.deepEqual({ ...parseEnvFile('# c\nA=1\nB="two words"\nexport C=3\n') }, {
    A: "1",
    B: "two words",
    C: "3",
  });
});
