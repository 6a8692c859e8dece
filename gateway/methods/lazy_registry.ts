/**
 * The method registry the gateway serves from: method names and their areas are known at start,
 * an area's definitions (handler module, params schemas) are imported the first time one of its
 * methods is called. Until then nothing of the area is loaded; afterwards a call resolves
 * synchronously, exactly as {@link MethodRegistry} does.
 *
 * @module
 */
import { unknownMethodError } from "../../lib/protocol/errors.ts";
import type { MethodDefinition, MethodRegistry, ResolvedCall } from "./registry.ts";

// The eager registry (zod-free itself: schemas come with the areas' definitions) is imported with
// the first area, so none of it is on the gateway's start path.
let registryModule: Promise<typeof import("./registry.ts")> | undefined;
function loadRegistryModule(): Promise<typeof import("./registry.ts")> {
  // A failed import is not kept: the next call tries again.
  registryModule ??= import("./registry.ts").catch((err) => {
    registryModule = undefined;
    throw err;
  });
  return registryModule;
}

/** One file of methods: the names it defines, and how to load their definitions. */
export interface MethodArea {
  /** The file under gateway/methods/ (without `.ts`), for messages. */
  readonly module: string;
  /** Every method the file defines, in order. */
  readonly names: readonly string[];
  /** Imports the file and returns its definitions. */
  load(): Promise<readonly MethodDefinition[]>;
}

/** The methods that answer `resolve`: an eager registry, or a lazy one. */
export interface MethodTable {
  /** Every method name, in registration order (`hello-ok.features.methods`). */
  names(): string[];
  /** Checks one request (see {@link MethodRegistry.check}); may load the method's area first. */
  resolve(
    name: string,
    rawParams: unknown,
    scopes: readonly string[],
  ): ResolvedCall | Promise<ResolvedCall>;
}

class AreaSlot {
  #loaded: MethodRegistry | undefined;
  #loading: Promise<MethodRegistry> | undefined;

  constructor(readonly area: MethodArea) {}

  get loaded(): MethodRegistry | undefined {
    return this.#loaded;
  }

  load(): Promise<MethodRegistry> {
    // A failed import is not cached: the next call tries again (and reports the same error).
    this.#loading ??= Promise.all([this.area.load(), loadRegistryModule()]).then(
      ([defs, { MethodRegistry }]) => {
        const names = defs.map((d) => d.name);
        if (names.join("\n") !== this.area.names.join("\n")) {
          throw new Error(
            `gateway/methods/${this.area.module}.ts defines [${names.join(", ")}] but ` +
              `gateway/methods/mod.ts lists [${this.area.names.join(", ")}]`,
          );
        }
        return this.#loaded = new MethodRegistry(defs);
      },
    ).catch((err) => {
      this.#loading = undefined;
      throw err;
    });
    return this.#loading;
  }
}

/** A registry whose areas are imported on first use. */
export class LazyMethodRegistry implements MethodTable {
  readonly #slots = new Map<string, AreaSlot>();
  readonly #names: string[] = [];
  readonly #areas: AreaSlot[] = [];

  /** @throws {Error} when two areas list the same name (a programming error, found at start). */
  constructor(areas: Iterable<MethodArea>) {
    for (const area of areas) {
      const slot = new AreaSlot(area);
      this.#areas.push(slot);
      for (const name of area.names) {
        if (this.#slots.has(name)) throw new Error(`RPC method "${name}" is listed twice`);
        this.#slots.set(name, slot);
        this.#names.push(name);
      }
    }
  }

  names(): string[] {
    return [...this.#names];
  }

  resolve(
    name: string,
    rawParams: unknown,
    scopes: readonly string[],
  ): ResolvedCall | Promise<ResolvedCall> {
    const slot = this.#slots.get(name);
    if (!slot) return { ok: false, error: unknownMethodError(name) };
    const loaded = slot.loaded;
    if (loaded) return loaded.check(name, rawParams, scopes);
    return slot.load().then((registry) => registry.check(name, rawParams, scopes));
  }

  /**
   * Loads every area and builds every lazy params schema: the eager registry of all methods
   * (tests, schema exports), whose `resolve` is synchronous.
   */
  async loadAll(): Promise<MethodRegistry> {
    const defs: MethodDefinition[] = [];
    for (const slot of this.#areas) defs.push(...(await slot.load()).definitions());
    await Promise.all(defs.map((def) => def.prepare()));
    const { MethodRegistry } = await loadRegistryModule();
    return new MethodRegistry(defs);
  }
}
