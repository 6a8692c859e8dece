/**
 * A read-only `Headers` over the fields of a parsed request head, for WebSocket upgrade requests.
 *
 * Why not `new Headers(fields)`: building one re-checks every byte of every name and value in
 * JavaScript (WebIDL ByteString conversion, value normalisation, lower-casing), which the head
 * parser (http_head.ts) has already done with native regular expressions. On an upgrade that is
 * most of the request's own JavaScript, and it runs for each of the first few dozen clients in
 * code cold enough that V8 then compiles it with Maglev -- pulling the optimising compiler's code
 * into the gateway's memory before anyone has used it for long (docs/benchmarks.md, session 8).
 * An upgrade reads five or six fields: one map of the parsed list serves them.
 *
 * Semantics follow `Headers` for what a request's headers can do: names match case-insensitively,
 * repeated fields are combined with ", " (`Set-Cookie` excepted in `getSetCookie`), iteration is
 * by lower-cased name in sorted order, and every mutation throws (the request's headers are
 * immutable, as `Deno.serve`'s are).
 *
 * @module
 */

/** The parsed head's fields as a read-only `Headers`. */
export class HeadHeaders implements Headers {
  /** The fields as parsed: names as sent, values trimmed and checked (http_head.ts). */
  readonly #fields: readonly [string, string][];
  /** Each lower-cased name's value, repeats joined (made on the first lookup). */
  #byName: Map<string, string> | undefined;

  /** Wraps the fields of a parsed head (not copied: the caller gives them up). */
  constructor(fields: readonly [string, string][]) {
    this.#fields = fields;
  }

  #map(): Map<string, string> {
    if (this.#byName) return this.#byName;
    const map = new Map<string, string>();
    const fields = this.#fields;
    for (let i = 0; i < fields.length; i++) {
      const key = fields[i][0].toLowerCase();
      const value = fields[i][1];
      const seen = map.get(key);
      map.set(key, seen === undefined ? value : `${seen}, ${value}`);
    }
    return this.#byName = map;
  }

  /** The value of the field `name` (repeated fields joined by ", "), or null. */
  get(name: string): string | null {
    return this.#map().get(name.toLowerCase()) ?? null;
  }

  /** Whether the field `name` was sent. */
  has(name: string): boolean {
    return this.#map().has(name.toLowerCase());
  }

  /** The `Set-Cookie` values, each on its own. */
  getSetCookie(): string[] {
    const out: string[] = [];
    for (const [name, value] of this.#fields) {
      if (name.toLowerCase() === "set-cookie") out.push(value);
    }
    return out;
  }

  /** The fields as `Headers` iterates them: lower-cased names, sorted, repeats combined. */
  *entries(): IterableIterator<[string, string]> {
    const map = this.#map();
    for (const name of [...map.keys()].sort()) {
      if (name === "set-cookie") {
        for (const v of this.getSetCookie()) yield [name, v];
      } else yield [name, map.get(name)!];
    }
  }

  /** The lower-cased names, as `entries()` gives them. */
  *keys(): IterableIterator<string> {
    for (const [name] of this.entries()) yield name;
  }

  /** The values, as `entries()` gives them. */
  *values(): IterableIterator<string> {
    for (const [, value] of this.entries()) yield value;
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }

  /** Calls `callback(value, name, headers)` for each entry. */
  forEach(
    callback: (value: string, key: string, parent: this) => void,
    thisArg?: unknown,
  ): void {
    for (const [name, value] of this.entries()) callback.call(thisArg, value, name, this);
  }

  /** Refused: a request's headers are immutable. */
  append(_name: string, _value: string): void {
    throw immutable();
  }

  /** Refused: a request's headers are immutable. */
  set(_name: string, _value: string): void {
    throw immutable();
  }

  /** Refused: a request's headers are immutable. */
  delete(_name: string): void {
    throw immutable();
  }

  get [Symbol.toStringTag](): string {
    return "Headers";
  }
}

function immutable(): TypeError {
  return new TypeError("Headers are immutable");
}
