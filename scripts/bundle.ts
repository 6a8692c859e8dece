/**
 * `deno task bundle`: the build we ship until `deno compile` can run here (it needs `denort`, which
 * these machines cannot download). It writes `dist/openclaw.js`, a tiny entry, and
 * `dist/openclaw/`, the chunks that entry loads when a command needs them. Run it from anywhere
 * with `deno run -A dist/openclaw.js …`; it reads nothing from the source tree or the npm cache.
 *
 * Why not one file: Deno reads, hashes and compiles the whole main module before running a line of
 * it, so the 15 MB one-file bundle made `--version` about 10x slower than running from source.
 *
 * 1. `deno bundle --code-splitting --platform deno main.ts` into a temp dir beside the output:
 *    every `import()` in the source becomes a chunk boundary, and npm packages are bundled
 *    (`--packages` defaults to `bundle`). Optional packages that are not installed (`bufferutil`,
 *    `jimp`) stay bare imports that fail and are caught, as under npm; a native addon cannot be
 *    bundled (sharp, which Baileys tries for thumbnails, fails to load and Baileys goes without).
 * 2. Dynamic imports between chunks are made unanalysable (`import(["./x.js"][0])`). Deno loads
 *    every analysable `import("./x.js")` of the whole graph before it starts unless the
 *    `lazy-dynamic-imports` unstable feature is on, and that lives in a deno.json the bundle is
 *    usually not next to (Deno looks for it from the main module's directory up): all ~280 chunks
 *    would be read on every start.
 * 3. The runtime chunk's `import { createRequire } from "node:module"` (Deno's banner giving
 *    bundled CommonJS a `require`) becomes a lazy lookup through `process.getBuiltinModule`:
 *    importing `node:module` starts Deno's Node layer (~70 ms of CPU), and every chunk imports
 *    the runtime chunk, `--version` included.
 * 4. esbuild's `main.js` becomes the entry, with its chunk paths prefixed by the chunk dir, and
 *    replaces the previous build (a chunk dir without our marker file is never removed).
 *
 * Not `--minify`: it cuts the bytes by 40 % but measured no faster start here (same CPU for
 * `--version`, `config get`, `gateway --help`), it garbles stack traces, and with `--keep-names`
 * Deno 2.9 drops its `createRequire` banner (bundled CommonJS then throws "Dynamic require … is
 * not supported").
 *
 * Usage: `deno run -A scripts/bundle.ts [--out <entry.js>]` (default dist/openclaw.js).
 *
 * @module
 */

const ROOT = new URL("../", import.meta.url).pathname;
const DEFAULT_OUT = `${ROOT}dist/openclaw.js`;
/** Written into the chunk dir so a rebuild knows the dir is ours to replace. */
const MARKER = ".openclaw-bundle";
/** esbuild names chunks `<name>-<hash>.js`; entries keep their source name. */
const CHUNK_NAME = "[A-Za-z0-9_$.-]+\\.js";

/** What {@link bundle} wrote. */
export interface BundleResult {
  /** The entry to run with `deno run -A`. */
  entry: string;
  /** The directory of chunks the entry loads. */
  chunkDir: string;
  /** Number of chunk files. */
  chunks: number;
  /** Total bytes of entry and chunks. */
  bytes: number;
}

/** Splits `/a/b/openclaw.js` into its directory and the stem that names the chunk dir. */
function splitEntryPath(outFile: string): { dir: string; stem: string } {
  const slash = outFile.lastIndexOf("/");
  const dir = slash < 0 ? "." : outFile.slice(0, slash) || "/";
  const name = outFile.slice(slash + 1);
  if (!/^[A-Za-z0-9_.-]+\.js$/.test(name)) {
    throw new TypeError(`Cannot bundle to "${outFile}": the entry must be a <name>.js file`);
  }
  return { dir, stem: name.slice(0, -3) };
}

async function denoBundle(outDir: string): Promise<void> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "bundle",
      "--quiet",
      "--platform",
      "deno",
      "--code-splitting",
      "--outdir",
      outDir,
      `${ROOT}main.ts`,
    ],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!out.success) {
    const dec = new TextDecoder();
    throw new Error(`deno bundle failed:\n${dec.decode(out.stderr)}${dec.decode(out.stdout)}`);
  }
}

/** `import("./x.js")` → `import(["./x.js"][0])` for the chunks we emitted; returns the count. */
function hideDynamicImports(code: string, chunks: Set<string>): { code: string; count: number } {
  let count = 0;
  const re = new RegExp(`\\bimport\\(\\s*"\\./(${CHUNK_NAME})"\\s*\\)`, "g");
  const out = code.replace(re, (whole, name: string) => {
    if (!chunks.has(name)) return whole;
    count++;
    return `import(["./${name}"][0])`;
  });
  return { code: out, count };
}

/** The banner `deno bundle` puts in the runtime chunk so bundled CommonJS can `require`. */
const REQUIRE_BANNER = new RegExp(
  [
    String.raw`import\s*\{\s*createRequire as __deno_internal_createRequire\s*\}`,
    String.raw`\s*from\s*"node:module";?\s*`,
    String.raw`var (\w+)\s*=\s*__deno_internal_createRequire\(import\.meta\.url\);?`,
  ].join(""),
);

/** The same `require`, but `node:module` (and with it Deno's Node layer) loads on first call. */
function lazyRequire(name: string): string {
  return `var ${name} = /* scripts/bundle.ts: node:module on first use */ (() => {
  let real;
  const load = () =>
    real ??= globalThis.process.getBuiltinModule("node:module").createRequire(import.meta.url);
  return new Proxy(() => {}, {
    apply: (_t, self, args) => Reflect.apply(load(), self, args),
    get: (_t, key) => load()[key],
    has: (_t, key) => key in load(),
  });
})();`;
}

/** Rewrites the emitted files in `tmp`; returns the entry's code (chunk paths under `stem/`). */
async function rewrite(tmp: string, stem: string): Promise<string> {
  const names: string[] = [];
  for await (const e of Deno.readDir(tmp)) {
    if (e.isFile && e.name.endsWith(".js")) names.push(e.name);
  }
  if (!names.includes("main.js")) throw new Error(`deno bundle wrote no main.js in ${tmp}`);
  const chunks = new Set(names.filter((n) => n !== "main.js"));
  let dynamic = 0;
  let banners = 0;
  let entry = "";
  for (const name of names) {
    const path = `${tmp}/${name}`;
    const hidden = hideDynamicImports(await Deno.readTextFile(path), chunks);
    dynamic += hidden.count;
    let code = hidden.code;
    const banner = code.match(REQUIRE_BANNER);
    if (banner) {
      banners++;
      code = code.replace(REQUIRE_BANNER, lazyRequire(banner[1]));
    } else if (code.includes("__deno_internal_createRequire")) {
      throw new Error(`${name}: Deno's createRequire banner changed shape; update REQUIRE_BANNER`);
    }
    if (name === "main.js") {
      entry = code;
      await Deno.remove(path);
    } else {
      await Deno.writeTextFile(path, code);
    }
  }
  // Both rewrites are what makes the start cheap; a Deno upgrade that changes the output must
  // fail here, not silently slow every start down.
  if (dynamic === 0) throw new Error("found no dynamic import between chunks to make lazy");
  if (banners > 1) throw new Error(`found ${banners} createRequire banners, expected at most one`);
  const re = new RegExp(`"\\./(${CHUNK_NAME})"`, "g");
  return entry.replace(
    re,
    (whole, name: string) => chunks.has(name) ? `"./${stem}/${name}"` : whole,
  );
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.lstat(path);
    return true;
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return false;
    throw e;
  }
}

async function dirBytes(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for await (const e of Deno.readDir(dir)) {
    if (!e.isFile || !e.name.endsWith(".js")) continue;
    files++;
    bytes += (await Deno.stat(`${dir}/${e.name}`)).size;
  }
  return { files, bytes };
}

/**
 * Bundles main.ts into `outFile` (the entry) and a sibling chunk dir named after it
 * (`dist/openclaw.js` → `dist/openclaw/`), replacing a previous build there.
 *
 * @param outFile Path of the entry, ending in `.js`.
 * @returns Where the build went and how big it is.
 * @throws {Error} When `deno bundle` fails, its output no longer has the shape the rewrites
 *   expect, or the chunk dir exists and is not a previous build.
 */
export async function bundle(outFile: string = DEFAULT_OUT): Promise<BundleResult> {
  const { dir, stem } = splitEntryPath(outFile);
  await Deno.mkdir(dir, { recursive: true });
  const chunkDir = `${dir}/${stem}`;
  if (await exists(chunkDir) && !(await exists(`${chunkDir}/${MARKER}`))) {
    throw new Error(`Cannot replace ${chunkDir}: it is not a previous bundle (no ${MARKER})`);
  }
  const tmp = await Deno.makeTempDir({ dir, prefix: `.${stem}-build-` });
  try {
    // A temp dir is private (0700); the chunk dir is read by whoever runs the entry.
    if (Deno.build.os !== "windows") await Deno.chmod(tmp, 0o755);
    await denoBundle(tmp);
    const entry = await rewrite(tmp, stem);
    await Deno.writeTextFile(`${tmp}/${MARKER}`, "written by scripts/bundle.ts\n");
    await Deno.writeTextFile(`${tmp}/.entry.js`, entry);
    await Deno.remove(chunkDir, { recursive: true }).catch((e) => {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    });
    await Deno.rename(`${tmp}/.entry.js`, `${dir}/.${stem}.js.tmp`);
    await Deno.rename(tmp, chunkDir);
    await Deno.rename(`${dir}/.${stem}.js.tmp`, outFile);
  } finally {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
  }
  const { files, bytes } = await dirBytes(chunkDir);
  return {
    entry: outFile,
    chunkDir,
    chunks: files,
    bytes: bytes + (await Deno.stat(outFile)).size,
  };
}

if (import.meta.main) {
  const i = Deno.args.indexOf("--out");
  const out = i >= 0 ? Deno.args[i + 1] : DEFAULT_OUT;
  if (out === undefined || Deno.args.some((a, j) => a !== "--out" && j !== i + 1)) {
    console.error("usage: deno run -A scripts/bundle.ts [--out <entry.js>]");
    Deno.exit(2);
  }
  const r = await bundle(out.startsWith("/") ? out : `${Deno.cwd()}/${out}`);
  const mb = (r.bytes / 1e6).toFixed(1);
  console.log(`${r.entry} + ${r.chunkDir}/ (${r.chunks} chunks, ${mb} MB)`);
}
