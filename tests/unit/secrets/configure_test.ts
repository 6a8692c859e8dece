import assert from "node:assert/strict";
import JSON5 from "json5";
import { parseEnvFile } from "../../../lib/env.ts";
import {
  moveSecretToProvider,
  suggestEnvVarName,
  suggestJsonPointer,
} from "../../../lib/secrets/configure.ts";
import { makeSandbox, type Sandbox } from "../../helpers.ts";

const CONFIG = `{
  // my models
  models: {
    providers: {
      openai: { baseUrl: "https://api.openai.com/v1", apiKey: "sk-move-me-1" }, // the key
    },
  },
  gateway: { mode: "local" },
}
`;

async function setup(sb: Sandbox) {
  const { stateDir, configPath } = sb;
  await Deno.mkdir(stateDir, { recursive: true });
  await Deno.writeTextFile(configPath, CONFIG);
  // A .bak from an earlier write that still holds the plaintext.
  await Deno.writeTextFile(`${configPath}.bak`, CONFIG);
  return { stateDir, configPath, env: { HOME: sb.home }, cwd: sb.home };
}

Deno.test("moveSecretToProvider() env: writes .env 0600, sets the ref, keeps comments", async () => {
  await using sb = await makeSandbox();
  const o = await setup(sb);
  const result = await moveSecretToProvider({
    ...o,
    path: "models.providers.openai.apiKey",
    target: { provider: "env", id: "OPENAI_API_KEY" },
  });
  assert.deepEqual(result.ref, { source: "env", provider: "default", id: "OPENAI_API_KEY" });
  const text = await Deno.readTextFile(o.configPath);
  assert.match(text, /\/\/ my models/);
  assert.match(text, /\/\/ the key/);
  assert.deepEqual(JSON5.parse(text).models.providers.openai.apiKey, result.ref);
  const envFile = `${o.stateDir}/.env`;
  assert.equal(parseEnvFile(await Deno.readTextFile(envFile)).OPENAI_API_KEY, "sk-move-me-1");
  assert.equal((await Deno.stat(envFile)).mode! & 0o777, 0o600);
  assert.doesNotMatch(await Deno.readTextFile(o.configPath), /sk-move-me-1/);
  assert.doesNotMatch(await Deno.readTextFile(`${o.configPath}.bak`), /sk-move-me-1/);
});

Deno.test("moveSecretToProvider() file: writes the pointer and adds the provider", async () => {
  await using sb = await makeSandbox();
  const o = await setup(sb);
  const result = await moveSecretToProvider({
    ...o,
    path: "models.providers.openai.apiKey",
    target: { provider: "file", pointer: "/providers/openai/apiKey" },
  });
  assert.equal(result.providerAdded, "filemain");
  assert.equal(result.store, `${o.stateDir}/secrets.json`);
  const store = JSON.parse(await Deno.readTextFile(result.store));
  assert.equal(store.providers.openai.apiKey, "sk-move-me-1");
  assert.equal((await Deno.stat(result.store)).mode! & 0o777, 0o600);
  const config = JSON5.parse(await Deno.readTextFile(o.configPath));
  assert.deepEqual(config.secrets.providers.filemain, {
    source: "file",
    path: "~/.openclaw/secrets.json",
    mode: "json",
  });
  assert.deepEqual(config.models.providers.openai.apiKey, {
    source: "file",
    provider: "filemain",
    id: "/providers/openai/apiKey",
  });
});

Deno.test("moveSecretToProvider() refuses conflicts and non-secrets without writing", async () => {
  await using sb = await makeSandbox();
  const o = await setup(sb);
  await Deno.writeTextFile(`${o.stateDir}/.env`, "OPENAI_API_KEY=something-else\n");
  await assert.rejects(
    () =>
      moveSecretToProvider({
        ...o,
        path: "models.providers.openai.apiKey",
        target: { provider: "env", id: "OPENAI_API_KEY" },
      }),
    { code: "SECRET_STORE_CONFLICT" },
  );
  assert.equal(await Deno.readTextFile(o.configPath), CONFIG);
  await assert.rejects(
    () =>
      moveSecretToProvider({
        ...o,
        path: "models.providers.openai.nope",
        target: { provider: "env", id: "X_KEY" },
      }),
    { code: "SECRET_PATH_NOT_FOUND" },
  );
  await assert.rejects(
    () =>
      moveSecretToProvider({
        ...o,
        path: "gateway.mode",
        target: { provider: "env", id: "GW_MODE" },
      }),
    { code: "SECRET_REF_REJECTED" },
  );
  assert.equal(await Deno.readTextFile(o.configPath), CONFIG);
});

Deno.test("suggestEnvVarName() and suggestJsonPointer() derive names from the path", () => {
  assert.equal(suggestEnvVarName(["models", "providers", "openai", "apiKey"]), "OPENAI_API_KEY");
  assert.equal(suggestEnvVarName(["gateway", "auth", "token"]), "GATEWAY_AUTH_TOKEN");
  assert.equal(suggestEnvVarName(["channels", "telegram", "botToken"]), "TELEGRAM_BOT_TOKEN");
  assert.equal(suggestJsonPointer(["channels", "my/bot", "token"]), "/channels/my~1bot/token");
});
