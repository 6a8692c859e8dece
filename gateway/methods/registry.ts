/**
 * One registration per RPC method: `defineMethod({name, scope, params, handler})` gives
 * dispatch, parameter validation ("invalid <method> params: <field>: ..."), the scope a caller
 * needs, and the `hello-ok.features.methods` list. Lookups go through a `Map`, so a method named
 * `constructor`, `toString` or `__proto__` is simply unknown.
 *
 * @module
 */
import type { z } from "zod";
import { invalidParamsError, unknownMethodError } from "../../lib/protocol/errors.ts";
import { type ErrorShape, validateParams } from "../../lib/protocol/frames.ts";
import { missingScopeError } from "../../lib/protocol/errors.ts";
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

/** What {@linkcode defineMethod} takes. */
export interface MethodSpec<S extends z.ZodType> {
  /** The wire name (`config.get`). */
  name: string;
  /** The operator scope a caller needs. */
  scope: ScopeRule;
  /** The params schema; missing params are validated as `{}`. */
  params: S;
  /** Returns the `ok:true` payload or throws (see lib/protocol/error_map.ts for the mapping). */
  handler(call: MethodCall<z.output<S>>): unknown | Promise<unknown>;
}

/** A registered method, its params type erased so methods of every shape fit one table. */
export interface MethodDefinition {
  readonly name: string;
  readonly scope: ScopeRule;
  readonly params: z.ZodType;
  /** Runs the handler with params that already passed {@link params}. */
  run(call: MethodCall<unknown>): unknown | Promise<unknown>;
}

/**
 * Defines one RPC method.
 *
 * @param spec Name, scope, params schema and handler.
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
  return {
    name: spec.name,
    scope: spec.scope,
    params: spec.params,
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
   */
  resolve(name: string, rawParams: unknown, scopes: readonly string[]): ResolvedCall {
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
    const checked = validateParams(name, method.params, params);
    if (!checked.ok) return { ok: false, error: checked.error };
    return { ok: true, method, params: checked.value };
  }
}
