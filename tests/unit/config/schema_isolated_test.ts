/**
 * The gateway asks a short-lived child process (lib/config/schema_isolated.ts) to validate a
 * changed config and to give the config's JSON Schema, so it never keeps the schema's object
 * graph: the answers are exactly the in-process schema's, the schema is never built in the
 * gateway's own process, and a child that fails, hangs or lies leaves the work to the process
 * itself rather than losing it.
 */
import assert from "node:assert/strict";
import { validateConfigObject } from "../../../lib/config/load.ts";
import {
  configSchemaIsolated,
  forgetConfigSchemaDocs,
  forgetConfigVerdicts,
  validateConfigIsolated,
} from "../../../lib/config/schema_isolated.ts";
import { configJsonSchema, configUiHints } from "../../../lib/config/schema.ts";

const CONFIGS: [string, unknown][] = [
  ["valid, with defaults to fill", { gateway: { mode: "local", port: 18789 }, agents: {} }],
  ["unknown keys and wrong types", { gateway: { mode: "bogus", port: "x" }, foo: 1 }],
  ["channels", {
    gateway: { mode: "local" },
    channels: { telegram: { botToken: "123:abc", allowFrom: ["42"] } },
  }],
  ["not an object", [1, 2]],
];

for (const [what, config] of CONFIGS) {
  Deno.test(`a config (${what}) gets from the child exactly the schema's answer`, async () => {
    assert.deepEqual(await validateConfigIsolated(config), validateConfigObject(config));
  });
}

Deno.test("the check runs in the child: the schema is never built in the calling process", async () => {
  const script = `
    import { checkConfigTextCached } from "${
    new URL("../../../lib/config/check_cached.ts", import.meta.url).href
  }";
    const dir = await Deno.makeTempDir();
    const check = await checkConfigTextCached('{ gateway: { mode: "local", port: 1 } }', dir + "/c.json", { stateDir: dir, applyEnv: false });
    await Deno.remove(dir, { recursive: true });
    // zod registers these globals when it loads.
    const zod = Object.getOwnPropertyNames(globalThis).filter((k) => k.startsWith("__zod"));
    console.log(JSON.stringify({ valid: check.valid, cache: check.cache, port: check.config?.gateway?.port, zod }));
  `;
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["eval", "--config", new URL("../../../deno.json", import.meta.url).pathname, script],
    stderr: "inherit",
  }).output();
  assert.equal(out.code, 0);
  assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
    valid: true,
    cache: "miss",
    port: 1,
    zod: [],
  });
});

Deno.test("the config's JSON Schema and UI hints come from the child, once, as the schema gives them", async () => {
  forgetConfigSchemaDocs();
  try {
    const docs = await configSchemaIsolated();
    assert.deepEqual(docs, { schema: configJsonSchema(), uiHints: configUiHints() });
    assert.equal(await configSchemaIsolated(), docs);
  } finally {
    forgetConfigSchemaDocs();
  }
});

/** A fake child: a shell script that swallows the request, then runs `body`. */
async function fakeChild(
  body: string,
): Promise<{ command: string[] } & AsyncDisposable> {
  const dir = await Deno.makeTempDir({ prefix: "oc-validate-" });
  const path = `${dir}/validator.sh`;
  await Deno.writeTextFile(path, `#!/bin/sh\ncat >/dev/null\n${body}\n`, { mode: 0o755 });
  return {
    command: [path],
    [Symbol.asyncDispose]: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("the child's verdict is what the check returns", async () => {
  await using child = await fakeChild(
    `printf '{"ok":false,"issues":[{"path":"x","message":"from the child"}]}'`,
  );
  assert.deepEqual(await validateConfigIsolated({ gateway: {} }, { command: child.command }), {
    ok: false,
    issues: [{ path: "x", message: "from the child" }],
  });
});

const BAD_CHILDREN: [string, string][] = [
  ["exits non-zero", "exit 3"],
  ["answers garbage", "printf 'not json'"],
  ["answers the wrong shape", `printf '{"ok":false,"issues":[{"path":1}]}'`],
  ["hangs past its deadline", "exec sleep 30"],
];
for (const [what, body] of BAD_CHILDREN) {
  Deno.test(`a child that ${what} leaves the check to this process, with the same answer`, async () => {
    await using child = await fakeChild(body);
    const config = { gateway: { mode: "local", port: "x" } };
    const got = await validateConfigIsolated(config, { command: child.command, timeoutMs: 500 });
    assert.deepEqual(got, validateConfigObject(config));
  });
}

Deno.test("a child that fails to give the JSON Schema leaves it to this process", async () => {
  await using child = await fakeChild("exit 1");
  forgetConfigSchemaDocs();
  try {
    assert.deepEqual(await configSchemaIsolated({ command: child.command }), {
      schema: configJsonSchema(),
      uiHints: configUiHints(),
    });
  } finally {
    forgetConfigSchemaDocs();
  }
});

Deno.test("a config JSON cannot carry exactly (a JSON5 Infinity) is checked in this process", async () => {
  await using child = await fakeChild(`printf '{"ok":true,"config":{}}'`);
  const config = { gateway: { mode: "local", port: Infinity } };
  const got = await validateConfigIsolated(config, { command: child.command });
  assert.deepEqual(got, validateConfigObject(config));
  assert.equal(got.ok, false);
});

Deno.test("a gateway without permission to run a child validates in its own process", async () => {
  const dir = await Deno.makeTempDir({ prefix: "oc-noperm-" });
  try {
    const script = `${dir}/check.ts`;
    await Deno.writeTextFile(
      script,
      `import { validateConfigIsolated } from "${
        new URL("../../../lib/config/schema_isolated.ts", import.meta.url).href
      }";
console.log(JSON.stringify(await validateConfigIsolated({ gateway: { port: "x" } })));
`,
    );
    // Reading (which any gateway needs), but neither --allow-run nor --allow-env.
    const out = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--quiet",
        "--no-prompt",
        "--allow-read",
        "--config",
        new URL("../../../deno.json", import.meta.url).pathname,
        script,
      ],
      stderr: "inherit",
    }).output();
    assert.equal(out.code, 0);
    assert.deepEqual(JSON.parse(new TextDecoder().decode(out.stdout)), {
      ok: false,
      issues: [{ path: "gateway.port", message: "Expected number, received string" }],
    });
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the same config, valid or not, costs one child however often and concurrently it is asked", async () => {
  await using child = await fakeChild(
    `echo run >> "$(dirname "$0")/runs"\nprintf '{"ok":false,"issues":[{"path":"x","message":"no"}]}'`,
  );
  const runs = `${child.command[0].slice(0, child.command[0].lastIndexOf("/"))}/runs`;
  forgetConfigVerdicts();
  try {
    const config = { gateway: { mode: "local", port: "x" } };
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => validateConfigIsolated(config, { command: child.command })),
    );
    answers.push(await validateConfigIsolated(config, { command: child.command }));
    for (const a of answers) {
      assert.deepEqual(a, { ok: false, issues: [{ path: "x", message: "no" }] });
    }
    assert.notEqual(answers[0], answers[1], "each caller gets its own copy");
    assert.equal((await Deno.readTextFile(runs)).trim().split("\n").length, 1);
    await validateConfigIsolated({ gateway: { mode: "local", port: 1 } }, {
      command: child.command,
    });
    assert.equal((await Deno.readTextFile(runs)).trim().split("\n").length, 2);
  } finally {
    forgetConfigVerdicts();
  }
});
