/**
 * "Fast accept, zod otherwise": the hand checks that keep zod off a connection's common path
 * accept only what their zod schema accepts, with the very output it builds, and every other
 * input still gets the schema's answer. Differential: random and edge inputs through both.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { z } from "zod";
import { checkConnectParams, fastConnectParams } from "../../../lib/protocol/connect_fast.ts";
import { readFrame } from "../../../lib/protocol/frame_parse.ts";
import {
  ConnectParamsSchema,
  parseConnectParams,
  parseFrame,
} from "../../../lib/protocol/frames.ts";
import {
  defineMethod,
  looseOptionalParams,
  MethodRegistry,
} from "../../../gateway/methods/registry.ts";

const RUNS = 400;

/** Values that trip hand checks: NaN, infinities, -0, floats, huge ints, odd strings, objects. */
const EDGE_VALUES: readonly unknown[] = [
  NaN,
  Infinity,
  -Infinity,
  -0,
  0,
  1,
  1.5,
  2 ** 53,
  -1,
  "",
  "x",
  "a".repeat(97),
  "a".repeat(65),
  "cli",
  "probe",
  "node",
  "__proto__",
  "constructor",
  null,
  true,
  false,
  [],
  [""],
  ["a"],
  {},
];
const edgeValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...EDGE_VALUES),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.array(fc.string(), { maxLength: 3 }),
);

/** An ordinary connect as the CLI, the Control UI or a node host sends it. */
const validConnect: fc.Arbitrary<Record<string, unknown>> = fc.record({
  minProtocol: fc.integer({ min: 1, max: 5 }),
  maxProtocol: fc.integer({ min: 1, max: 5 }),
  client: fc.record({
    id: fc.constantFrom("cli", "openclaw-control-ui", "test", "node-host"),
    displayName: fc.string({ minLength: 1, maxLength: 8 }),
    version: fc.constantFrom("1.0.0", "dev"),
    buildId: fc.string({ minLength: 1, maxLength: 96 }),
    platform: fc.constantFrom("linux", "darwin"),
    timeZone: fc.string({ minLength: 1, maxLength: 64 }),
    mode: fc.constantFrom("cli", "ui", "backend", "node", "probe"),
    instanceId: fc.string({ minLength: 1, maxLength: 8 }),
  }, { requiredKeys: ["id", "version", "platform", "mode"] }),
  caps: fc.array(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 3 }),
  role: fc.constantFrom("operator", "node", "worker", "x"),
  scopes: fc.array(fc.constantFrom("operator.read", "operator.admin"), { maxLength: 2 }),
  device: fc.record({
    id: fc.string({ minLength: 1, maxLength: 8 }),
    publicKey: fc.string({ minLength: 1, maxLength: 8 }),
    signature: fc.string({ minLength: 1, maxLength: 8 }),
    signedAt: fc.integer({ min: 0 }),
    nonce: fc.string({ minLength: 1, maxLength: 8 }),
  }),
  auth: fc.record({ token: fc.string(), password: fc.string() }, { requiredKeys: [] }),
  locale: fc.string(),
  pathEnv: fc.string(),
}, { requiredKeys: ["minProtocol", "maxProtocol", "client"] });

type Path = readonly string[];

/** Replaces, adds or deletes the value at `path` (deleting when `value` is the DELETE marker). */
function mutate(root: unknown, path: Path, value: unknown): unknown {
  const copy = structuredClone(root);
  let node = copy as Record<string, unknown>;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next !== "object" || next === null) return copy;
    node = next as Record<string, unknown>;
  }
  const last = path[path.length - 1];
  if (value === DELETE) delete node[last];
  // defineProperty: a "__proto__" key becomes an own key, as JSON.parse makes it.
  else {Object.defineProperty(node, last, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });}
  return copy;
}
const DELETE = Symbol("delete");

const CONNECT_PATHS: readonly Path[] = [
  ["minProtocol"],
  ["maxProtocol"],
  ["client"],
  ["client", "id"],
  ["client", "mode"],
  ["client", "version"],
  ["client", "buildId"],
  ["client", "timeZone"],
  ["client", "extra"],
  ["caps"],
  ["scopes"],
  ["role"],
  ["device"],
  ["device", "signedAt"],
  ["device", "nonce"],
  ["auth"],
  ["auth", "token"],
  ["auth", "bogus"],
  ["locale"],
  ["modelCatalog"],
  ["computerUse"],
  ["workerRuns"],
  ["permissions"],
  ...["__proto__", "constructor", "toString", "other"].map((k) => [k]),
  ["client", "__proto__"],
  ["client", "constructor"],
];
const connectPath: fc.Arbitrary<Path> = fc.oneof(
  fc.constantFrom(...CONNECT_PATHS),
  fc.constantFrom("__proto__", "constructor", "toString", "other").map((k): Path => [k]),
  fc.constantFrom("__proto__", "constructor").map((k): Path => ["client", k]),
);

const connectInput: fc.Arbitrary<unknown> = fc.oneof(
  validConnect,
  fc.tuple(
    validConnect,
    fc.array(fc.tuple(connectPath, fc.oneof(edgeValue, fc.constant(DELETE))), { maxLength: 3 }),
  ).map(([base, edits]) => edits.reduce((v, [p, x]) => mutate(v, p, x), base as unknown)),
  edgeValue,
);

/** Same value and same key order (zod's output order), -0 kept apart from 0. */
function assertSameOutput(actual: unknown, expected: unknown): void {
  assert.deepStrictEqual(actual, expected);
  assert.equal(JSON.stringify(actual), JSON.stringify(expected));
}

Deno.test("connect params: whatever the hand check accepts, the schema accepts the same way", () => {
  let accepted = 0;
  fc.assert(
    fc.property(connectInput, (input) => {
      const fast = fastConnectParams(input);
      if (fast === undefined) return;
      accepted++;
      const zod = ConnectParamsSchema.safeParse(input);
      assert.ok(zod.success, `fast accepted what zod refuses: ${JSON.stringify(input)}`);
      assertSameOutput(fast, zod.data);
    }),
    { numRuns: RUNS * 4 },
  );
  assert.ok(accepted > RUNS / 4, `the fast path accepted only ${accepted} inputs`);
});

/** Two valid connects (the fewest and the most fields the hand check knows). */
const BASES: readonly Record<string, unknown>[] = [
  {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "cli", version: "1", platform: "linux", mode: "cli" },
  },
  {
    minProtocol: 3,
    maxProtocol: 4,
    client: {
      id: "openclaw-control-ui",
      displayName: "d",
      version: "1",
      buildId: "b",
      platform: "p",
      deviceFamily: "f",
      modelIdentifier: "m",
      timeZone: "UTC",
      mode: "ui",
      instanceId: "i",
    },
    caps: ["c"],
    commands: ["x"],
    pathEnv: "",
    role: "operator",
    scopes: ["operator.admin"],
    device: { id: "d", publicKey: "k", signature: "s", signedAt: 0, nonce: "n" },
    auth: { token: "", password: "p", deviceToken: "t" },
    locale: "en",
    userAgent: "ua",
  },
];

Deno.test("connect params: every single-field edit of a valid connect gets the schema's answer", async () => {
  for (const base of BASES) {
    assertSameOutput(fastConnectParams(base), ConnectParamsSchema.parse(base));
    for (const path of CONNECT_PATHS) {
      for (const value of [...EDGE_VALUES, DELETE]) {
        const input = mutate(base, path, value);
        const fast = fastConnectParams(input);
        const zod = ConnectParamsSchema.safeParse(input);
        if (fast !== undefined) {
          assert.ok(
            zod.success,
            `fast accepted what zod refuses: ${path.join(".")}=${String(value)}`,
          );
          assertSameOutput(fast, zod.data);
        }
        assertSameOutput(await checkConnectParams(input), parseConnectParams(input));
      }
    }
  }
});

Deno.test("connect params: the server's check answers exactly what parseConnectParams answers", async () => {
  await fc.assert(
    fc.asyncProperty(connectInput, async (input) => {
      assertSameOutput(await checkConnectParams(input), parseConnectParams(input));
    }),
    { numRuns: RUNS },
  );
  // An ordinary CLI connect is answered without a schema: synchronously.
  const cli = {
    minProtocol: 4,
    maxProtocol: 4,
    client: { id: "cli", version: "1", platform: "linux", mode: "cli" },
    scopes: ["operator.admin"],
    auth: { token: "t" },
  };
  assert.ok(!(checkConnectParams(cli) instanceof Promise));
  assert.deepEqual(
    await checkConnectParams({ minProtocol: 0 }),
    parseConnectParams({ minProtocol: 0 }),
  );
});

/** Frame texts: valid requests, mutated envelopes, responses, events, junk. */
const frameText: fc.Arbitrary<string> = fc.oneof(
  fc.record({
    type: fc.constantFrom("req", "res", "event", "x"),
    id: fc.oneof(fc.string({ maxLength: 6 }), edgeValue),
    method: fc.oneof(fc.constantFrom("health", "connect", ""), edgeValue),
    params: fc.oneof(fc.constant({}), fc.object({ maxDepth: 2 })),
    traceparent: fc.oneof(fc.string({ maxLength: 130 }), fc.constant("t".repeat(129))),
    expectedProfileId: fc.oneof(fc.string({ maxLength: 130 }), edgeValue),
    ok: fc.boolean(),
    event: fc.string({ maxLength: 4 }),
    seq: edgeValue,
    extra: edgeValue,
  }, { requiredKeys: ["type"] }).map((o) => JSON.stringify(o)),
  fc.json({ maxDepth: 3 }),
  fc.string(),
  fc.constantFrom(
    '{"type":"req","id":"1","method":"health"}',
    '{"type":"req","id":"1","method":"health","params":{"__proto__":1}}',
    '{"type":"req","id":"1","method":"health","params":{"\\u005f_proto__":1}}',
    '{"type":"res","id":"1","ok":true}',
    '{"type":"event","event":"tick","payload":{"ts":1},"seq":-0}',
    `{"type":"req","id":"1","method":"m","params":${"[".repeat(40)}${"]".repeat(40)}}`,
  ),
);

Deno.test("frames: the server's reader answers exactly what parseFrame answers", async () => {
  await fc.assert(
    fc.asyncProperty(frameText, async (text) => {
      assertSameOutput(await readFrame(text), parseFrame(text));
    }),
    { numRuns: RUNS * 2 },
  );
});

Deno.test("frames: a valid request is read without a schema", () => {
  for (
    const text of [
      '{"type":"req","id":"1","method":"health","params":{}}',
      '{ "type": "req", "id": "2", "method": "status", "params": {"probe": true} }',
      '{"id":"3","method":"logs.tail","type":"req","traceparent":"00-ab","params":null}',
    ]
  ) {
    const r = readFrame(text);
    assert.ok(!(r instanceof Promise), text);
    assertSameOutput(r, parseFrame(text));
  }
});

/** The schemas the health and status methods had before they went lazy. */
const ORIGINAL = {
  health: z.looseObject({ probe: z.boolean().optional() }),
  status: z.looseObject({}),
  mixed: z.looseObject({
    flag: z.boolean().optional(),
    name: z.string().optional(),
    n: z.number().optional(),
  }),
};
const LAZY = {
  health: looseOptionalParams({ probe: "boolean" }),
  status: looseOptionalParams({}),
  mixed: looseOptionalParams({ flag: "boolean", name: "string", n: "number" }),
};

const paramsInput: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ probe: edgeValue, flag: edgeValue, name: edgeValue, n: edgeValue, x: edgeValue }, {
    requiredKeys: [],
  }),
  fc.tuple(
    fc.record({ probe: fc.boolean(), n: fc.double() }, { requiredKeys: [] }),
    fc.constantFrom("__proto__", "constructor", "toString", "probe", "n"),
    edgeValue,
  ).map(([o, k, v]) => mutate(o, [k], v)),
  fc.object({ maxDepth: 1 }),
  edgeValue,
);

Deno.test("looseOptionalParams: fast accepts only what the original schema accepts, same output", async () => {
  for (const [name, original] of Object.entries(ORIGINAL)) {
    const lazy = LAZY[name as keyof typeof LAZY];
    const built = await lazy.load();
    fc.assert(
      fc.property(paramsInput, (input) => {
        const viaBuilt = built.safeParse(input, { reportInput: true });
        const viaOriginal = original.safeParse(input, { reportInput: true });
        assertSameOutput(viaBuilt, viaOriginal);
        if (typeof input !== "object" || input === null) return;
        const fast = lazy.fast?.(input as Record<string, unknown>);
        if (fast === undefined) return;
        assert.ok(viaOriginal.success, `${name}: fast accepted ${JSON.stringify(input)}`);
        assertSameOutput(fast, viaOriginal.data);
      }),
      { numRuns: RUNS },
    );
  }
});

Deno.test("a lazily defined method answers as its eager twin, building its schema only when needed", async () => {
  const handler = () => "ok";
  const lazyParams = looseOptionalParams({ probe: "boolean" });
  const lazy = new MethodRegistry([
    defineMethod({ name: "health", scope: null, params: lazyParams, handler }),
  ]);
  const eager = new MethodRegistry([
    defineMethod({ name: "health", scope: null, params: ORIGINAL.health, handler }),
  ]);
  // Ordinary params: answered synchronously, schema not built.
  for (const params of [undefined, null, {}, { probe: true }, { probe: false, extra: 1 }]) {
    const r = lazy.check("health", params, []);
    assert.ok(!(r instanceof Promise));
    assert.deepEqual(
      r.ok && r.params,
      eager.resolve("health", params, []).ok &&
        (eager.resolve("health", params, []) as { params: unknown }).params,
    );
  }
  assert.equal(lazyParams.built, undefined);
  // Anything else: the same error, after building the schema.
  for (const params of [{ probe: "yes" }, [1], "x", { probe: 1, extra: null }]) {
    const r = await lazy.check("health", params, []);
    const e = eager.resolve("health", params, []);
    assert.deepEqual(r.ok ? r.params : r.error, e.ok ? e.params : e.error);
  }
  assert.ok(lazyParams.built);
});
