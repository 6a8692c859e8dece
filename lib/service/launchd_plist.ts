/**
 * The LaunchAgent property list: rendering (XML-escaped) and a small reader for the plist XML
 * subset launchd agents use (dict, array, string, integer, real, true/false, date, data), so an
 * installed agent's ProgramArguments and EnvironmentVariables can be shown and checked.
 *
 * @module
 */
import { OpenClawError } from "../errors.ts";
import { assertServiceEnvironment } from "./env.ts";

/** What a LaunchAgent is made of. */
export interface LaunchdPlistSpec {
  label: string;
  comment: string;
  programArguments: readonly string[];
  environment: Readonly<Record<string, string>>;
  workingDirectory?: string;
  stdoutPath: string;
  stderrPath: string;
}

const XML_ENTITIES_BY_CHAR: Record<string, string> = {
  "&": "amp",
  "<": "lt",
  ">": "gt",
  '"': "quot",
  "'": "apos",
};

/** Control characters XML 1.0 cannot carry, even escaped; matching them is the point. */
// deno-lint-ignore no-control-regex
const XML_FORBIDDEN = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;

/**
 * Escapes text for XML character data.
 *
 * @throws {OpenClawError} `SERVICE_PLIST_INVALID` for control characters XML 1.0 cannot hold.
 */
export function xmlEscape(s: string): string {
  if (XML_FORBIDDEN.test(s)) {
    throw new OpenClawError(
      "SERVICE_PLIST_INVALID",
      `Cannot write "${s.slice(0, 30)}" into a plist: it contains a control character`,
    );
  }
  return s.replace(/[&<>"']/g, (c) => `&${XML_ENTITIES_BY_CHAR[c]};`);
}

/**
 * Renders the plist text.
 *
 * @throws {OpenClawError} `SERVICE_ENV_INVALID` for CR/LF in an environment value.
 */
export function renderLaunchdPlist(spec: LaunchdPlistSpec): string {
  assertServiceEnvironment(spec.environment);
  const str = (v: string) => `<string>${xmlEscape(v)}</string>`;
  const lines = [
    `<?xml version="1.0" encoding="UTF-8"?>`,
    `<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">`,
    `<plist version="1.0">`,
    `<dict>`,
    `  <key>Label</key>`,
    `  ${str(spec.label)}`,
    `  <key>Comment</key>`,
    `  ${str(spec.comment)}`,
    `  <key>RunAtLoad</key>`,
    `  <true/>`,
    `  <key>KeepAlive</key>`,
    `  <true/>`,
    `  <key>ExitTimeOut</key>`,
    `  <integer>15</integer>`,
    `  <key>ProgramArguments</key>`,
    `  <array>`,
    ...spec.programArguments.map((a) => `    ${str(a)}`),
    `  </array>`,
  ];
  if (spec.workingDirectory) {
    lines.push(`  <key>WorkingDirectory</key>`, `  ${str(spec.workingDirectory)}`);
  }
  lines.push(
    `  <key>StandardOutPath</key>`,
    `  ${str(spec.stdoutPath)}`,
    `  <key>StandardErrorPath</key>`,
    `  ${str(spec.stderrPath)}`,
  );
  const env = Object.entries(spec.environment).filter(([, v]) => v !== "");
  if (env.length > 0) {
    lines.push(`  <key>EnvironmentVariables</key>`, `  <dict>`);
    for (const [k, v] of env) lines.push(`    <key>${xmlEscape(k)}</key>`, `    ${str(v)}`);
    lines.push(`  </dict>`);
  }
  lines.push(`</dict>`, `</plist>`, "");
  return lines.join("\n");
}

/** A plist value. */
export type PlistValue = string | number | boolean | PlistValue[] | { [key: string]: PlistValue };

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
};

function xmlUnescape(s: string): string {
  return s.replace(/&(#x[0-9a-fA-F]+|#\d+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return NAMED_ENTITIES[e] ?? m;
  });
}

function plistError(detail: string): OpenClawError {
  return new OpenClawError("SERVICE_PLIST_INVALID", `Cannot parse plist: ${detail}`);
}

/**
 * Parses plist XML into plain values (dicts built on a null prototype).
 *
 * @throws {OpenClawError} `SERVICE_PLIST_INVALID` for text that is not a well-formed plist.
 */
export function parsePlist(text: string): PlistValue {
  const body = text
    .replace(/<\?xml[\s\S]*?\?>/, "")
    .replace(/<!DOCTYPE[\s\S]*?>/, "")
    .replace(/<!--[\s\S]*?-->/g, "");
  const tokens = body.match(/<[^>]*>|[^<]+/g) ?? [];
  let pos = 0;
  const next = () => {
    while (pos < tokens.length && !tokens[pos].startsWith("<") && tokens[pos].trim() === "") pos++;
    return tokens[pos++];
  };
  const textUntil = (tag: string): string => {
    let out = "";
    while (pos < tokens.length && tokens[pos] !== `</${tag}>`) {
      if (tokens[pos].startsWith("<")) throw plistError(`unexpected ${tokens[pos]} in <${tag}>`);
      out += tokens[pos++];
    }
    if (tokens[pos++] !== `</${tag}>`) throw plistError(`missing </${tag}>`);
    return xmlUnescape(out);
  };
  const value = (open: string | undefined): PlistValue => {
    if (open === undefined) throw plistError("unexpected end of document");
    const m = /^<([A-Za-z]+)(\s[^>]*)?(\/?)>$/.exec(open);
    if (!m) throw plistError(`unexpected ${JSON.stringify(open.slice(0, 30))}`);
    const [, tag, , selfClosing] = m;
    if (selfClosing) {
      if (tag === "true") return true;
      if (tag === "false") return false;
      if (tag === "dict") return Object.create(null);
      if (tag === "array") return [];
      if (tag === "string") return "";
      throw plistError(`unexpected <${tag}/>`);
    }
    switch (tag) {
      case "string":
      case "date":
      case "data":
        return textUntil(tag);
      case "integer":
      case "real": {
        const n = Number(textUntil(tag).trim());
        if (!Number.isFinite(n)) throw plistError(`bad <${tag}>`);
        return n;
      }
      case "array": {
        const arr: PlistValue[] = [];
        for (let t = next(); t !== "</array>"; t = next()) arr.push(value(t));
        return arr;
      }
      case "dict": {
        const dict: Record<string, PlistValue> = Object.create(null);
        for (let t = next(); t !== "</dict>"; t = next()) {
          if (t !== "<key>") throw plistError(`expected <key> in <dict>, got ${t}`);
          const key = textUntil("key");
          dict[key] = value(next());
        }
        return dict;
      }
      case "plist": {
        const root = value(next());
        if (next() !== "</plist>") throw plistError("expected </plist>");
        return root;
      }
      default:
        throw plistError(`unknown element <${tag}>`);
    }
  };
  const root = value(next());
  if (next() !== undefined) throw plistError("content after the root element");
  return root;
}

/** What {@linkcode parseLaunchdPlist} reads back. */
export interface ParsedLaunchdPlist {
  label?: string;
  comment?: string;
  programArguments: string[];
  environment: Record<string, string>;
  workingDirectory?: string;
  stdoutPath?: string;
  stderrPath?: string;
}

/**
 * Reads a LaunchAgent's label, ProgramArguments, EnvironmentVariables and paths.
 *
 * @throws {OpenClawError} `SERVICE_PLIST_INVALID` for a malformed plist.
 */
export function parseLaunchdPlist(text: string): ParsedLaunchdPlist {
  const root = parsePlist(text);
  if (typeof root !== "object" || root === null || Array.isArray(root)) {
    throw plistError("the root is not a <dict>");
  }
  const s = (v: PlistValue | undefined) => (typeof v === "string" ? v : undefined);
  const args = Array.isArray(root.ProgramArguments) ? root.ProgramArguments : [];
  const envDict = root.EnvironmentVariables;
  const environment: Record<string, string> = {};
  if (typeof envDict === "object" && envDict !== null && !Array.isArray(envDict)) {
    for (const [k, v] of Object.entries(envDict)) if (typeof v === "string") environment[k] = v;
  }
  return {
    label: s(root.Label),
    comment: s(root.Comment),
    programArguments: args.filter((a): a is string => typeof a === "string"),
    environment,
    workingDirectory: s(root.WorkingDirectory),
    stdoutPath: s(root.StandardOutPath),
    stderrPath: s(root.StandardErrorPath),
  };
}
