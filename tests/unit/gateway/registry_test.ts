/**
 * The method registry: every registered method carries a scope and a params schema, lookups never
 * reach the prototype, unknown methods fail closed, and params are validated before a handler runs.
 */
import assert from "node:assert/strict";
import { z } from "zod";
import { GATEWAY_METHODS as LAZY_METHODS } from "../../../gateway/methods/mod.ts";
import { LazyMethodRegistry } from "../../../gateway/methods/lazy_registry.ts";
import { defineMethod, MethodRegistry } from "../../../gateway/methods/registry.ts";
import {
  ADMIN_METHOD_PREFIXES,
  isOperatorScope,
  READ_ONLY_ADMIN_PREFIXED_METHODS,
} from "../../../lib/protocol/scopes.ts";

// Every area loaded: also proves each area's list in gateway/methods/mod.ts matches its file.
const GATEWAY_METHODS = await LAZY_METHODS.loadAll();

const PROTOTYPE_NAMES = [
  "constructor",
  "toString",
  "__proto__",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "isPrototypeOf",
];

Deno.test("every registered method has a scope and a params schema", () => {
  const defs = GATEWAY_METHODS.definitions();
  assert.ok(defs.length >= 20, `only ${defs.length} methods registered`);
  for (const def of defs) {
    assert.ok(
      def.scope === null || typeof def.scope === "function" || isOperatorScope(def.scope),
      `${def.name}: scope ${String(def.scope)}`,
    );
    assert.equal(typeof def.params?.safeParse, "function", `${def.name}: no params schema`);
    // Missing params are validated as {}; a schema must not reject a non-object silently.
    assert.equal(def.params.safeParse("not an object").success, false, def.name);
  }
  assert.deepEqual(GATEWAY_METHODS.names(), defs.map((d) => d.name));
  assert.deepEqual(LAZY_METHODS.names(), GATEWAY_METHODS.names());
});

Deno.test("the registry's scopes are the ones protocol.md names", () => {
  const r = GATEWAY_METHODS;
  assert.equal(r.requiredScope("health"), null);
  assert.equal(r.requiredScope("status"), "operator.read");
  assert.equal(r.requiredScope("config.get"), "operator.read");
  assert.equal(r.requiredScope("config.schema"), "operator.read");
  assert.equal(r.requiredScope("config.set"), "operator.admin");
  assert.equal(r.requiredScope("config.apply"), "operator.admin");
  assert.equal(r.requiredScope("config.patch"), "operator.admin");
  assert.equal(r.requiredScope("system-event"), "operator.admin");
  assert.equal(r.requiredScope("secrets.reload"), "operator.admin");
  assert.equal(r.requiredScope("chat.send"), "operator.write");
  assert.equal(r.requiredScope("agent"), "operator.write");
  assert.equal(r.requiredScope("sessions.delete"), "operator.admin");
  assert.equal(r.requiredScope("sessions.delete", { archivedOnly: true }), "operator.write");
  assert.equal(r.requiredScope("no.such.method"), "operator.admin");
  assert.equal(r.requiredScope("__proto__"), "operator.admin");
  assert.equal(r.requiredScope("toString"), "operator.admin");
  assert.equal(r.requiredScope("chat.history"), "operator.read");
});

Deno.test("nothing under an admin prefix asks for less than admin, but the config readers", () => {
  for (const def of GATEWAY_METHODS.definitions()) {
    if (!ADMIN_METHOD_PREFIXES.some((p) => def.name.startsWith(p))) continue;
    const expected = READ_ONLY_ADMIN_PREFIXED_METHODS.has(def.name)
      ? "operator.read"
      : "operator.admin";
    assert.equal(def.scope, expected, def.name);
  }
});

Deno.test("a caller without the method's scope gets FORBIDDEN missing scope", () => {
  assert.deepEqual(
    GATEWAY_METHODS.resolve("config.apply", {}, ["operator.read", "operator.write"]),
    {
      ok: false,
      error: {
        code: "FORBIDDEN",
        message: "missing scope: operator.admin",
        details: {
          code: "MISSING_SCOPE",
          missingScope: "operator.admin",
          requiredScopes: ["operator.admin"],
        },
      },
    },
  );
  const history = GATEWAY_METHODS.resolve("chat.history", { sessionKey: "main" }, [
    "operator.sessions.read",
  ]);
  assert.equal(!history.ok && history.error.message, "missing scope: operator.read");
  assert.ok(GATEWAY_METHODS.resolve("health", {}, []).ok);
  assert.ok(GATEWAY_METHODS.resolve("status", {}, ["operator.write"]).ok);
});

Deno.test("prototype names are unknown methods, never calls", () => {
  for (const name of PROTOTYPE_NAMES) {
    assert.equal(GATEWAY_METHODS.get(name), undefined, name);
    const unknown = {
      ok: false,
      error: { code: "INVALID_REQUEST", message: `unknown method: ${name}` },
    };
    assert.deepEqual(GATEWAY_METHODS.resolve(name, {}, ["operator.admin"]), unknown);
    assert.deepEqual(LAZY_METHODS.resolve(name, {}, ["operator.admin"]), unknown);
  }
});

Deno.test("MethodRegistry.resolve() checks scope, then the params object, then the schema", () => {
  const registry = new MethodRegistry([
    defineMethod({
      name: "demo.write",
      scope: "operator.write",
      params: z.looseObject({ text: z.string().max(5), count: z.int().min(1).optional() }),
      handler: ({ params }) => params.text,
    }),
  ]);
  const denied = registry.resolve("demo.write", { text: "hi" }, ["operator.read"]);
  assert.equal(denied.ok, false);
  assert.equal(!denied.ok && denied.error.code, "FORBIDDEN");
  const notObject = registry.resolve("demo.write", [1], ["operator.write"]);
  assert.equal(
    !notObject.ok && notObject.error.message,
    "invalid demo.write params: expected an object",
  );
  const bad = registry.resolve("demo.write", { text: "too long", count: 0 }, ["operator.admin"]);
  assert.equal(bad.ok, false);
  assert.equal(!bad.ok && bad.error.code, "INVALID_REQUEST");
  assert.match(!bad.ok ? bad.error.message : "", /^invalid demo\.write params: text: .*; count: /);
  const good = registry.resolve("demo.write", { text: "hi", extra: true }, ["operator.write"]);
  assert.ok(good.ok);
  assert.deepEqual(good.ok && good.params, { text: "hi", extra: true });
});

Deno.test("MethodRegistry refuses a method defined twice", () => {
  const def = defineMethod({ name: "x", scope: null, params: z.looseObject({}), handler: () => 1 });
  assert.throws(() => new MethodRegistry([def, def]), /"x" is defined twice/);
});

function demoArea(loads: string[], names = ["demo.a", "demo.b"]) {
  return {
    module: "demo",
    names,
    load: () => {
      loads.push("demo");
      return Promise.resolve([
        defineMethod({ name: "demo.a", scope: null, params: z.looseObject({}), handler: () => 1 }),
        defineMethod({
          name: "demo.b",
          scope: "operator.admin",
          params: z.looseObject({}),
          handler: () => 2,
        }),
      ]);
    },
  };
}

Deno.test("a method's area is imported on its first call, once, and later calls resolve at once", async () => {
  const loads: string[] = [];
  const registry = new LazyMethodRegistry([demoArea(loads)]);
  assert.deepEqual(registry.names(), ["demo.a", "demo.b"]);
  assert.deepEqual(loads, [], "listing the names loads nothing");
  assert.deepEqual(registry.resolve("demo.nope", {}, []), {
    ok: false,
    error: { code: "INVALID_REQUEST", message: "unknown method: demo.nope" },
  });
  assert.deepEqual(loads, [], "an unknown method loads nothing");
  const [first, second] = await Promise.all([
    registry.resolve("demo.a", {}, []),
    registry.resolve("demo.b", {}, ["operator.read"]),
  ]);
  assert.ok(first.ok);
  assert.equal(!second.ok && second.error.message, "missing scope: operator.admin");
  assert.deepEqual(loads, ["demo"]);
  const later = registry.resolve("demo.b", {}, ["operator.admin"]);
  assert.ok(!(later instanceof Promise) && later.ok, "a loaded area answers synchronously");
});

Deno.test("an area whose file disagrees with its listed names fails loudly", async () => {
  const registry = new LazyMethodRegistry([demoArea([], ["demo.a"])]);
  await assert.rejects(
    async () => await registry.resolve("demo.a", {}, []),
    /defines \[demo\.a, demo\.b\] but gateway\/methods\/mod\.ts lists \[demo\.a\]/,
  );
});
