/**
 * Mention patterns from config (`agents.list[].groupChat.mentionPatterns`,
 * `messages.groupChat.mentionPatterns`) turned into regexes safely: each pattern is bounded in
 * length, patterns with nested repetition (`(a+)+`, the classic catastrophic-backtracking shape)
 * are refused, invalid ones are reported instead of thrown, a list is compiled once and cached,
 * and matching looks at a bounded prefix of the text.
 *
 * @module
 */

/** Longest pattern accepted. */
export const MAX_MENTION_PATTERN_LENGTH = 200;
/** Most patterns used from one list. */
export const MAX_MENTION_PATTERNS = 32;
/** Only this many characters of a message are searched for a pattern. */
export const MENTION_SCAN_CHARS = 4000;

/** A pattern that was not used, and why. */
export interface InvalidMentionPattern {
  pattern: string;
  reason: string;
}

/** A compiled pattern list. */
export interface MentionMatcher {
  readonly patterns: readonly RegExp[];
  readonly invalid: readonly InvalidMentionPattern[];
}

// A group that contains a quantifier and is itself quantified: `(a+)+`, `(\w*x)*`, `(?:a{2,})+`.
const NESTED_REPETITION =
  /\((?:[^()\\]|\\.)*(?:[+*]|\{\d+,?\d*\})(?:[^()\\]|\\.)*\)(?:[+*]|\{\d+,?\d*\})/;
const CACHE_LIMIT = 64;
const cache = new Map<string, MentionMatcher>();

function compileOne(pattern: string): RegExp | InvalidMentionPattern {
  if (pattern.length > MAX_MENTION_PATTERN_LENGTH) {
    return { pattern, reason: `longer than ${MAX_MENTION_PATTERN_LENGTH} characters` };
  }
  if (NESTED_REPETITION.test(pattern)) {
    return { pattern, reason: "nested repetition can take exponential time" };
  }
  try {
    return new RegExp(pattern, "i");
  } catch (err) {
    return { pattern, reason: err instanceof Error ? err.message : String(err) };
  }
}

/**
 * Compiles a list of mention patterns (case-insensitive). Lists are cached by content, so
 * calling this for every message costs a map lookup.
 *
 * @param patterns Regex sources from config.
 * @returns The usable regexes and the refused patterns with their reasons (for a log line or
 *   `doctor`).
 * @example
 * ```ts
 * const m = compileMentionPatterns(["\\bclawd\\b", "(a+)+"]);
 * m.patterns.length; // 1
 * m.invalid[0].reason; // "nested repetition can take exponential time"
 * ```
 */
export function compileMentionPatterns(patterns: readonly string[]): MentionMatcher {
  const key = JSON.stringify(patterns);
  const hit = cache.get(key);
  if (hit) return hit;
  const compiled: RegExp[] = [];
  const invalid: InvalidMentionPattern[] = [];
  for (const [i, pattern] of patterns.entries()) {
    if (i >= MAX_MENTION_PATTERNS) {
      invalid.push({ pattern, reason: `more than ${MAX_MENTION_PATTERNS} patterns` });
      continue;
    }
    const result = compileOne(pattern);
    if (result instanceof RegExp) compiled.push(result);
    else invalid.push(result);
  }
  const matcher: MentionMatcher = { patterns: compiled, invalid };
  if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  cache.set(key, matcher);
  return matcher;
}

/**
 * Tells whether `text` matches any pattern (searching its first
 * {@linkcode MENTION_SCAN_CHARS} characters).
 *
 * @param text Message text.
 * @param matcher From {@linkcode compileMentionPatterns}.
 * @returns True when a pattern matches.
 */
export function matchesMentionPattern(text: string, matcher: MentionMatcher): boolean {
  if (matcher.patterns.length === 0 || text === "") return false;
  const head = text.length > MENTION_SCAN_CHARS ? text.slice(0, MENTION_SCAN_CHARS) : text;
  return matcher.patterns.some((re) => re.test(head));
}
