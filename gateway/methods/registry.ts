/**
 * One registration per RPC method: `defineMethod({name, scope, params, handler})` gives
 * dispatch, parameter validation ("invalid <method> params: <field>: ..."), the scope a caller
 * needs, and the `hello-ok.features.methods` list. Lookups go through a `Map`, so a method named
 * `constructor`, `toString` or `__proto__` is simply unknown.
 *
 * @module
 */
import type { z } from "zod";
import {
  invalidParamsError,
  missingScopeError,
  unknownMethodError,
} from "../../lib/protocol/errors.ts";
import type { ErrorShape } from "../../lib/protocol/frames.ts";
import { validateParams } from "../../lib/protocol/params.ts";
import {
  fastBoolean,
  type FastCheck,
  fastLooseObject,
  fastNumber,
  fastString,
  optional,
  UNSURE,
} from "../../lib/protocol/fast_check.ts";
import { ADMIN_SCOPE, type OperatorScope, scopeSatisfied } from "../../lib/protocol/scopes.ts";
import type { MethodCall } from "./types.ts";

/**
 * The scope a method needs: one scope, `null` for any authenticated connection, or a function of
 * the raw params for the few methods whose scope depends on them (`sessions.delete`).
 */
export type ScopeRule =
  | OperatorScope
  | null
  | ((params: Record<string, unknown>) => OperatorScope | null);

/**
 * A params schema built on first need, so the method's file need not import zod: `fast`
 * accepts ordinary params by hand (returning exactly what the schema would output, or undefined
 * when unsure) and the schema is built, once, only for the rest.
 */
export class LazyParams<S extends z.ZodType> {
  #schema: S | undefined;
  #building: Promise<S> | undefined;

  /**
   * @param build Builds the schema (typically after `await import("zod")`).
   * @param fast The schema's output for params it certainly accepts, else undefined.
   */
  constructor(
    readonly build: () => Promise<S>,
    readonly fast?: (params: Record<string, unknown>) => z.output<S> | undefined,
  ) {}

  /** The schema, once built. */
  get built(): S | undefined {
    return this.#schema;
  }

  /** Builds the schema (once; a failed build is retried next time). */
  load(): Promise<S> {
    this.#building ??= this.build().then((schema) => this.#schema = schema).catch((err) => {
      this.#building = undefined;
      throw err;
    });
    return this.#building;
  }
}

/** The primitive types {@linkcode looseOptionalParams} knows. */
export type OptionalPrimitive = "boolean" | "string" | "number";
type PrimitiveSchema<T extends OptionalPrimitive> = T extends "boolean" ? z.ZodBoolean
  : T extends "string" ? z.ZodString
  : z.ZodNumber;
/** The schema {@linkcode looseOptionalParams} stands for. */
export type LooseOptionalSchema<T extends Record<string, OptionalPrimitive>> = z.ZodObject<
  { -readonly [K in keyof T]: z.ZodOptional<PrimitiveSchema<T[K]>> },
  z.core.$loose
>;

const FAST_PRIMITIVES: Record<OptionalPrimitive, FastCheck> = {
  boolean: fastBoolean,
  string: fastString(),
  number: fastNumber,
};

/**
 * `z.looseObject({key: z.boolean().optional(), ...})` (booleans, strings, finite numbers), built
 * lazily and checked by hand for ordinary params: `looseOptionalParams({probe: "boolean"})`.
 */
export function looseOptionalParams<const T extends Record<string, OptionalPrimitive>>(
  shape: T,
): LazyParams<LooseOptionalSchema<T>> {
  const entries = Object.entries(shape);
  const fast = fastLooseObject(
    Object.fromEntries(entries.map(([key, type]) => [key, optional(FAST_PRIMITIVES[type])])),
  );
  return new LazyParams(
    async () => {
      const { z } = await import("zod");
      const build = { boolean: z.boolean, string: z.string, number: z.number } as const;
      const zodShape = Object.fromEntries(entries.map(([key, t]) => [key, build[t]().optional()]));
      return z.looseObject(zodShape) as unknown as LooseOptionalSchema<T>;
    },
    (params) => {
      const r = fast(params);
      return r === UNSURE ? undefined : r as z.output<LooseOptionalSchema<T>>;
    },
  );
}

/** What {@linkcode defineMethod} takes. */
export interface MethodSpec<S extends z.ZodType> {
  /** The wire name (`config.get`). */
  name: string;
  /** The operator scope a caller needs. */
  scope: ScopeRule;
  /** The params schema, or one built on first need; missing params are validated as `{}`. */
  params: S | LazyParams<S>;
  /** Returns the `ok:true` payload or throws (see lib/protocol/error_map.ts for the mapping). */
  handler(call: MethodCall<z.output<S>>): unknown | Promise<unknown>;
}

/** A registered method, its params type erased so methods of every shape fit one table. */
export interface MethodDefinition {
  readonly name: string;
  readonly scope: ScopeRule;
  /**
   * The params schema. A lazily built one is readable only after {@link prepare} resolved.
   * @throws {Error} before that.
   */
  readonly params: z.ZodType;
  /** Builds the params schema when it is lazy (a no-op otherwise). */
  prepare(): Promise<void>;
  /** The schema's output for params a hand check certainly accepts, else undefined. */
  quickParams(params: Record<string, unknown>): unknown;
  /** The schema if it is built, else undefined. */
  builtParams(): z.ZodType | undefined;
  /** Runs the handler with params that already passed {@link params}. */
  run(call: MethodCall<unknown>): unknown | Promise<unknown>;
}

/**
 * Defines one RPC method.
 *
 * @param spec Name, scope, params schema (or {@linkcode LazyParams}) and handler.
 * @returns The definition to list in `gateway/methods/mod.ts`.
 * @example
 * ```ts
 * export const logsTail = defineMethod({
 *   name: "logs.tail",
 *   scope: "operator.read",
 *   params: z.looseObject({ limit: z.int().min(1).max(5000).optional() }),
 *   handler: ({ params }) => tail(params.limit),
 * });
 * ```
 */
export function defineMethod<S extends z.ZodType>(spec: MethodSpec<S>): MethodDefinition {
  const lazy = spec.params instanceof LazyParams ? spec.params : undefined;
  const eager = lazy ? undefined : spec.params as S;
  return {
    name: spec.name,
    scope: spec.scope,
    get params(): z.ZodType {
      const schema = eager ?? lazy?.built;
      if (!schema) throw new Error(`RPC method "${spec.name}": params schema not built yet`);
      return schema;
    },
    prepare: async () => {
      await lazy?.load();
    },
    quickParams: (params) => lazy?.fast?.(params),
    builtParams: () => eager ?? lazy?.built,
    // The registry validated the params with this very schema before calling run.
    run: (call) => spec.handler(call as MethodCall<z.output<S>>),
  };
}

/** What {@linkcode MethodRegistry.resolve} answers. */
export type ResolvedCall =
  | { ok: true; method: MethodDefinition; params: unknown }
  | { ok: false; error: ErrorShape };

/** Every method of the gateway, by name. */
export class MethodRegistry {
  readonly #methods = new Map<string, MethodDefinition>();

  /** @throws {Error} when two definitions share a name (a programming error, found at start). */
  constructor(definitions: Iterable<MethodDefinition>) {
    for (const def of definitions) {
      if (this.#methods.has(def.name)) throw new Error(`RPC method "${def.name}" is defined twice`);
      this.#methods.set(def.name, def);
    }
  }

  /** The definition of `name`, or undefined (prototype names included). */
  get(name: string): MethodDefinition | undefined {
    return this.#methods.get(name);
  }

  /** Every method name, in registration order (`hello-ok.features.methods`). */
  names(): string[] {
    return [...this.#methods.keys()];
  }

  /** Every definition. */
  definitions(): MethodDefinition[] {
    return [...this.#methods.values()];
  }

  /**
   * The scope `name` needs for these params; unknown methods need `operator.admin` (fail closed).
   */
  requiredScope(name: string, params: Record<string, unknown> = {}): OperatorScope | null {
    const def = this.#methods.get(name);
    if (!def) return ADMIN_SCOPE;
    return typeof def.scope === "function" ? def.scope(params) : def.scope;
  }

  /**
   * Checks one request in protocol order -- known method, caller's scopes, params object, params
   * schema -- and returns the method with its parsed params, or the error to answer with.
   * Synchronous unless the method's params schema is lazy, still unbuilt, and needed.
   */
  check(
    name: string,
    rawParams: unknown,
    scopes: readonly string[],
  ): ResolvedCall | Promise<ResolvedCall> {
    const method = this.#methods.get(name);
    if (!method) return { ok: false, error: unknownMethodError(name) };
    const params = rawParams === undefined || rawParams === null ? {} : rawParams;
    const isObject = typeof params === "object" && !Array.isArray(params);
    const required = this.requiredScope(name, isObject ? params as Record<string, unknown> : {});
    if (required !== null && !scopeSatisfied(required, scopes)) {
      return { ok: false, error: missingScopeError(required, [required]) };
    }
    if (!isObject) {
      return { ok: false, error: invalidParamsError(name, "expected an object") };
    }
    const quick = method.quickParams(params as Record<string, unknown>);
    if (quick !== undefined) return { ok: true, method, params: quick };
    const schema = method.builtParams();
    if (schema) return validated(method, validateParams(name, schema, params));
    return method.prepare().then(() =>
      validated(method, validateParams(name, method.params, params))
    );
  }

  /**
   * {@linkcode check} for methods whose schemas are built (eager ones, or after `prepare`).
   * @throws {Error} when a lazy schema would have to be built first.
   */
  resolve(name: string, rawParams: unknown, scopes: readonly string[]): ResolvedCall {
    const r = this.check(name, rawParams, scopes);
    if (r instanceof Promise) {
      r.catch(() => {}); // the error below is the answer
      throw new Error(`RPC method "${name}": params schema not built yet (prepare() it first)`);
    }
    return r;
  }
}

function validated(
  method: MethodDefinition,
  checked: ReturnType<typeof validateParams>,
): ResolvedCall {
  return checked.ok
    ? { ok: true, method, params: checked.value }
    : { ok: false, error: checked.error };
}
