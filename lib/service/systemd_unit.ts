/**
 * The systemd user unit text: rendering with systemd's quoting rules, and reading an installed
 * unit back (ExecStart, Environment, WorkingDirectory) for `gateway status` and drift checks.
 *
 * Rules (systemd.service(5), systemd.syntax(7)): `%` starts a specifier everywhere, so it is
 * written `%%`; in `ExecStart=` `$` starts a variable, so it is written `$$`; a word with
 * whitespace, quotes or backslashes is double-quoted with C-style escapes.
 *
 * @module
 */
import { assertServiceEnvironment } from "./env.ts";

/** What a unit is made of. */
export interface SystemdUnitSpec {
  description: string;
  programArguments: readonly string[];
  environment: Readonly<Record<string, string>>;
  workingDirectory?: string;
}

const NEEDS_QUOTES = /[\s"'\\]/;
// Control characters are exactly what must be escaped, so the rule does not apply here.
// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f]/;
// deno-lint-ignore no-control-regex
const C_ESCAPED = /[\\"\x00-\x1f\x7f]/g;

function cEscape(s: string): string {
  return s.replace(C_ESCAPED, (c) => {
    switch (c) {
      case "\\":
        return "\\\\";
      case '"':
        return '\\"';
      case "\n":
        return "\\n";
      case "\t":
        return "\\t";
      case "\r":
        return "\\r";
      default:
        return `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`;
    }
  });
}

function quoteWord(word: string): string {
  if (word === "" || word === ";" || NEEDS_QUOTES.test(word) || CONTROL.test(word)) {
    return `"${cEscape(word)}"`;
  }
  return word;
}

/** Escapes `%` specifiers: `%` -> `%%`. */
export function escapeSpecifiers(value: string): string {
  return value.replaceAll("%", "%%");
}

/** Quotes one `ExecStart=` argument: `%` -> `%%`, `$` -> `$$`, quoted when needed. */
export function quoteExecArg(arg: string): string {
  // A function replacement: in a replacement string "$$" would itself mean one "$".
  return quoteWord(escapeSpecifiers(arg).replaceAll("$", () => "$$"));
}

/** Renders one `Environment=` line for `key=value`. */
export function environmentLine(key: string, value: string): string {
  return `Environment=${quoteWord(escapeSpecifiers(`${key}=${value}`))}`;
}

/**
 * Renders the unit text.
 *
 * @throws {OpenClawError} `SERVICE_ENV_INVALID` for CR/LF in an environment value.
 */
export function renderSystemdUnit(spec: SystemdUnitSpec): string {
  assertServiceEnvironment(spec.environment);
  const lines = [
    "[Unit]",
    `Description=${escapeSpecifiers(spec.description)}`,
    "After=network-online.target",
    "Wants=network-online.target",
    "StartLimitBurst=5",
    "StartLimitIntervalSec=60",
    "",
    "[Service]",
    "Type=simple",
    `ExecStart=${spec.programArguments.map(quoteExecArg).join(" ")}`,
    "Restart=always",
    "RestartSec=5",
    // Exit 78 means "config invalid": restarting cannot help, so stop looping.
    "RestartPreventExitStatus=78",
    "TimeoutStopSec=30",
    "KillMode=mixed",
    // 143 = killed by SIGTERM, which is how systemd stops us.
    "SuccessExitStatus=0 143",
    ...Object.entries(spec.environment)
      .filter(([, v]) => v !== "")
      .map(([k, v]) => environmentLine(k, v)),
  ];
  if (spec.workingDirectory) {
    lines.push(`WorkingDirectory=${escapeSpecifiers(spec.workingDirectory)}`);
  }
  lines.push("", "[Install]", "WantedBy=default.target", "");
  return lines.join("\n");
}

const C_ESCAPES: Record<string, string> = {
  n: "\n",
  t: "\t",
  r: "\r",
  a: "\x07",
  b: "\b",
  f: "\f",
  v: "\v",
  s: " ",
  "\\": "\\",
  '"': '"',
  "'": "'",
};

/** Splits a unit value into words the way systemd does (quotes, C escapes). */
export function splitUnitWords(value: string): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let quote: string | null = null;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === "\\" && i + 1 < value.length) {
      const n = value[++i];
      if (n === "x" && /^[0-9a-fA-F]{2}$/.test(value.slice(i + 1, i + 3))) {
        cur += String.fromCharCode(parseInt(value.slice(i + 1, i + 3), 16));
        i += 2;
      } else cur += C_ESCAPES[n] ?? n;
      inWord = true;
    } else if (quote) {
      if (c === quote) quote = null;
      else cur += c;
    } else if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (inWord) words.push(cur);
  return words;
}

/** What {@linkcode parseSystemdUnit} reads back. */
export interface ParsedSystemdUnit {
  description?: string;
  programArguments: string[];
  environment: Record<string, string>;
  workingDirectory?: string;
  /** Every `Key=value` directive by section, last value wins (for drift checks). */
  directives: Record<string, Record<string, string>>;
}

/** Reads a unit's ExecStart, Environment and WorkingDirectory (specifiers unescaped). */
export function parseSystemdUnit(text: string): ParsedSystemdUnit {
  const out: ParsedSystemdUnit = { programArguments: [], environment: {}, directives: {} };
  let section = "";
  // A trailing backslash continues a directive on the next line.
  const joined = text.replace(/\\\r?\n/g, " ");
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[(.+)\]$/.exec(line);
    if (header) {
      section = header[1];
      continue;
    }
    const eq = line.indexOf("=");
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim();
    const value = line.slice(eq + 1).trim();
    (out.directives[section] ??= {})[key] = value;
    const unspec = (s: string) => s.replaceAll("%%", "%");
    if (section === "Unit" && key === "Description") out.description = unspec(value);
    if (section !== "Service") continue;
    if (key === "ExecStart") {
      // Leading prefixes (-, @, +, !, :) change how systemd runs the command, not what it runs.
      const v = value.replace(/^[-@+!:|]+/, "");
      out.programArguments = splitUnitWords(v).map((w) => unspec(w).replaceAll("$$", () => "$"));
    } else if (key === "Environment") {
      for (const word of splitUnitWords(value)) {
        const assignment = unspec(word);
        const i = assignment.indexOf("=");
        if (i > 0) out.environment[assignment.slice(0, i)] = assignment.slice(i + 1);
      }
    } else if (key === "WorkingDirectory") {
      out.workingDirectory = unspec(value.replace(/^-/, ""));
    }
  }
  return out;
}
