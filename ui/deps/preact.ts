// deno-lint-ignore-file no-import-prefix -- browser-only pins, bundled by scripts/build_ui.ts and
// never loaded by the gateway or the CLI, so they stay out of deno.json's import map.
/**
 * Preact + htm, pinned, and only what the dashboard uses. They render the panels in ~5 KB
 * gzipped: components, hooks and tagged-template markup with no JSX compiler, so the views stay
 * declarative without a runtime heavier than the app (Lit is larger and wants a class per
 * element; plain DOM code would triple the view code).
 *
 * @module
 */
/// <reference lib="dom" />
import htmModule from "npm:htm@3.1.1";
import { h } from "npm:preact@11.2.0";

export { Fragment, h, render } from "npm:preact@11.2.0";
export type { ComponentChildren, VNode } from "npm:preact@11.2.0";
export {
  useCallback,
  useEffect,
  useMemo,
  useReducer,
  useRef,
  useState,
} from "npm:preact@11.2.0/hooks";

// htm ships CommonJS-style typings, which Deno reads as a namespace; the bundled ESM default
// export is the function those typings describe.
interface Htm {
  bind<R>(hyperscript: typeof h): (strings: TemplateStringsArray, ...values: unknown[]) => R;
}
/** Tagged-template markup bound to Preact's `h`. */
export const html: (
  strings: TemplateStringsArray,
  ...values: unknown[]
) => import("npm:preact@11.2.0").VNode = (htmModule as unknown as Htm).bind(h);
