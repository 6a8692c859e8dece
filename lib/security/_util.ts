/**
 * Small helpers shared by the audit collectors: safe walking of an unvalidated config and file
 * mode arithmetic. Private to `lib/security/`.
 *
 * @module
 */

/** A plain object. */
export type Obj = Record<string, unknown>;

/** Returns true for a plain (non-array) object. */
export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Returns the object at `keys`, or `{}` when anything on the way is not an object. */
export function objAt(root: unknown, ...keys: string[]): Obj {
  let cur: unknown = root;
  for (const k of keys) {
    if (!isObj(cur)) return {};
    cur = cur[k];
  }
  return isObj(cur) ? cur : {};
}

/** Returns the value at `keys`, or `undefined`. */
export function valueAt(root: unknown, ...keys: string[]): unknown {
  let cur: unknown = root;
  for (const k of keys) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

/** Returns the string at `keys`, or `undefined` when it is not a string. */
export function stringAt(root: unknown, ...keys: string[]): string | undefined {
  const v = valueAt(root, ...keys);
  return typeof v === "string" ? v : undefined;
}

/** Returns the strings of an array value (other items dropped); `[]` when it is not an array. */
export function stringsOf(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

/** Formats permission bits as octal, e.g. `644`. */
export function octal(mode: number): string {
  return (mode & 0o777).toString(8).padStart(3, "0");
}

/** lstat that returns `undefined` for a missing path (and on any other error). */
export function lstatOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.lstatSync(path);
  } catch {
    return undefined;
  }
}

/** stat (following links) that returns `undefined` for a missing path or any other error. */
export function statOrUndefined(path: string): Deno.FileInfo | undefined {
  try {
    return Deno.statSync(path);
  } catch {
    return undefined;
  }
}

/** Lists directory entries, `[]` when the directory is missing or unreadable. */
export function listDir(dir: string): Deno.DirEntry[] {
  try {
    return [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return [];
  }
}

/** Returns true when file modes mean anything here (not Windows, where ACLs rule). */
export function posixModes(): boolean {
  return Deno.build.os !== "windows";
}

/** Resolves `.` and `..` segments of an absolute POSIX path. */
export function normalizePath(path: string): string {
  const parts: string[] = [];
  for (const p of path.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") parts.pop();
    else parts.push(p);
  }
  return "/" + parts.join("/");
}
