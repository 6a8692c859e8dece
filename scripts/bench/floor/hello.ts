/**
 * The CLI floor: the smallest program Deno can run. `openclaw config get`, `gateway status` and
 * `--version` are timed against `deno run hello.ts` in the same bench run (issue 17).
 *
 * @module
 */
console.log("hello");
