/**
 * Hand-written checks that accept input only when a zod schema certainly would, and build the
 * very value that schema outputs ("fast accept, zod otherwise"). A check answers {@link UNSURE}
 * for everything else -- invalid input, but also anything merely unusual (an `undefined` value,
 * a `__proto__` key, an object with another prototype) -- and the caller then runs the real
 * schema for the answer. So a check may be stricter than its schema, never looser; the
 * differential tests in tests/unit/protocol/fast_check_test.ts hold each one to its schema.
 *
 * @module
 */
import { isPlainRecord } from "./params.ts";

/** What a check answers when only the schema can decide. */
export const UNSURE: unique symbol = Symbol("unsure");

/** A check: the schema's output for `value`, or {@link UNSURE}. */
export type FastCheck = (value: unknown) => unknown;

/** `z.string()`, with `.min(min)` / `.max(max)` (in UTF-16 units, as zod counts). */
export function fastString(min = 0, max = Infinity): FastCheck {
  return (v) => typeof v === "string" && v.length >= min && v.length <= max ? v : UNSURE;
}

/** `z.boolean()`. */
export const fastBoolean: FastCheck = (v) => typeof v === "boolean" ? v : UNSURE;

/** `z.number()`: finite numbers only, as zod 4 accepts. */
export const fastNumber: FastCheck = (v) =>
  typeof v === "number" && Number.isFinite(v) ? v : UNSURE;

/** `z.number().int().min(min)`: zod's int is a safe integer. */
export function fastIntMin(min: number): FastCheck {
  return (v) => Number.isSafeInteger(v) && (v as number) >= min ? v : UNSURE;
}

/** `z.enum(values)` of strings. */
export function fastEnum(values: readonly string[]): FastCheck {
  const allowed = new Set(values);
  return (v) => typeof v === "string" && allowed.has(v) ? v : UNSURE;
}

/** `z.array(element)`: a new array of the element outputs, as zod builds it. */
export function fastArray(element: FastCheck): FastCheck {
  return (v) => {
    if (!Array.isArray(v)) return UNSURE;
    const out: unknown[] = [];
    for (let i = 0; i < v.length; i++) {
      const r = element(v[i]);
      if (r === UNSURE) return UNSURE;
      out.push(r);
    }
    return out;
  };
}

/** One key of an object check: its check, and whether `.optional()` wraps it. */
export interface FastField {
  readonly check: FastCheck;
  readonly optional?: boolean;
}

/** `{check, optional: true}`. */
export function optional(check: FastCheck): FastField {
  return { check, optional: true };
}

/** `{check}`. */
export function required(check: FastCheck): FastField {
  return { check };
}

function fastObject(shape: Record<string, FastField>, loose: boolean): FastCheck {
  const fields = new Map(Object.entries(shape));
  // Walked by index: iterating the Map would allocate an entry pair per field on every request.
  const keys = [...fields.keys()];
  const checks = [...fields.values()];
  return (v) => {
    if (!isPlainRecord(v) || Object.hasOwn(v, "__proto__")) return UNSURE;
    if (!loose) { for (const key in v) if (!fields.has(key)) return UNSURE; }
    // zod's output: the shape's keys in shape order, then (loose) the other keys in input order.
    const out: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i];
      const field = checks[i];
      if (!Object.hasOwn(v, key)) {
        if (!field.optional) return UNSURE;
        continue;
      }
      const value = v[key];
      if (value === undefined) return UNSURE;
      const r = field.check(value);
      if (r === UNSURE) return UNSURE;
      out[key] = r;
    }
    if (loose) {
      for (const key in v) {
        if (fields.has(key)) continue;
        if (v[key] === undefined) return UNSURE;
        out[key] = v[key];
      }
    }
    return out;
  };
}

/** `z.strictObject(shape)`: unknown keys are left to zod. */
export function fastStrictObject(shape: Record<string, FastField>): FastCheck {
  return fastObject(shape, false);
}

/** `z.looseObject(shape)`: other keys pass through after the shape's. */
export function fastLooseObject(shape: Record<string, FastField>): FastCheck {
  return fastObject(shape, true);
}
