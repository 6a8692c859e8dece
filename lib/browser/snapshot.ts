/**
 * A page as text for the model: Chromium's accessibility tree (`Accessibility.getFullAXTree`)
 * rendered as an indented outline -- `- link "More information" [ref=e3]` -- with the page's text
 * in between. Interactive elements and named landmarks/headings/cells get a ref (`e1`, `e2`, ...)
 * that `act` (click, type) resolves back to the DOM node. Size is bounded: at most `maxChars`
 * characters and `maxNodes` tree nodes are looked at; the outline says when it was cut.
 *
 * @module
 */

/** One node of `Accessibility.getFullAXTree` (only the fields used). */
export interface AxNode {
  nodeId: string;
  ignored?: boolean;
  role?: { value?: unknown };
  name?: { value?: unknown };
  value?: { value?: unknown };
  childIds?: string[];
  backendDOMNodeId?: number;
}

/** What a ref points at. */
export interface SnapshotRef {
  role: string;
  name?: string;
  backendNodeId: number;
}

/** A rendered snapshot. */
export interface PageSnapshot {
  /** The outline. */
  text: string;
  /** Ref -> element, for `act`. */
  refs: Map<string, SnapshotRef>;
  /** True when the outline was cut at `maxChars` or `maxNodes`. */
  truncated: boolean;
  /** Refs of interactive elements. */
  interactive: number;
}

/** Options of {@linkcode renderAxSnapshot}. */
export interface SnapshotOptions {
  /** @default 20000 */
  maxChars?: number;
  /** @default 5000 */
  maxNodes?: number;
  /** Only interactive elements (and no page text). */
  interactiveOnly?: boolean;
}

const INTERACTIVE = new Set([
  "button",
  "checkbox",
  "combobox",
  "link",
  "listbox",
  "menuitem",
  "menuitemcheckbox",
  "menuitemradio",
  "option",
  "radio",
  "searchbox",
  "slider",
  "spinbutton",
  "switch",
  "tab",
  "textbox",
  "treeitem",
]);
const CONTENT = new Set([
  "article",
  "cell",
  "columnheader",
  "gridcell",
  "heading",
  "listitem",
  "main",
  "navigation",
  "region",
  "rowheader",
]);
/** Roles that only structure the tree: shown only when they have a name. */
const STRUCTURAL = new Set([
  "application",
  "directory",
  "document",
  "generic",
  "grid",
  "group",
  "list",
  "menu",
  "menubar",
  "none",
  "paragraph",
  "presentation",
  "row",
  "rowgroup",
  "section",
  "table",
  "tablist",
  "toolbar",
  "tree",
  "treegrid",
  "labeltext",
  "rootwebarea",
  "webarea",
  "iframe",
]);
/** Leaf roles whose text is already in their parent's name or in StaticText. */
const HIDDEN = new Set(["inlinetextbox", "linebreak"]);
const NAME_MAX = 200;

function str(v: { value?: unknown } | undefined): string {
  const value = v?.value;
  if (typeof value === "string") return value.replace(/\s+/g, " ").trim();
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}

function quote(text: string): string {
  const cut = text.length > NAME_MAX ? `${text.slice(0, NAME_MAX)}\u2026` : text;
  return `"${cut.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"`;
}

/**
 * Renders an accessibility tree as the outline the model reads.
 *
 * @param nodes The `nodes` of `Accessibility.getFullAXTree`.
 * @returns The outline, its refs and whether it was cut.
 */
export function renderAxSnapshot(
  nodes: readonly AxNode[],
  options: SnapshotOptions = {},
): PageSnapshot {
  const maxChars = options.maxChars ?? 20_000;
  const maxNodes = options.maxNodes ?? 5_000;
  const byId = new Map<string, AxNode>();
  const children = new Set<string>();
  for (const n of nodes) {
    if (typeof n?.nodeId !== "string") continue;
    byId.set(n.nodeId, n);
    for (const c of n.childIds ?? []) children.add(c);
  }
  const roots = [...byId.values()].filter((n) => !children.has(n.nodeId));
  const refs = new Map<string, SnapshotRef>();
  const lines: string[] = [];
  let chars = 0;
  let visited = 0;
  let interactive = 0;
  let truncated = false;
  // Iterative depth-first walk (pages nest deeply enough to overflow a recursive one).
  const stack: { id: string; depth: number; parentName: string }[] = roots.reverse().map((
    n,
  ) => ({ id: n.nodeId, depth: 0, parentName: "" }));
  const seen = new Set<string>();
  while (stack.length > 0) {
    const { id, depth, parentName } = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    if (++visited > maxNodes) {
      truncated = true;
      break;
    }
    const node = byId.get(id);
    if (!node) continue;
    const role = str(node.role).toLowerCase();
    const name = str(node.name);
    let childDepth = depth;
    let line: string | undefined;
    let newRef: [string, SnapshotRef] | undefined;
    if (node.ignored || HIDDEN.has(role)) {
      line = undefined;
    } else if (role === "statictext") {
      if (!options.interactiveOnly && name && name !== parentName) {
        line = `${"  ".repeat(depth)}- text ${quote(name)}`;
      }
    } else if (STRUCTURAL.has(role) && !name) {
      line = undefined;
    } else if (!options.interactiveOnly || INTERACTIVE.has(role)) {
      let ref = "";
      const canRef = typeof node.backendDOMNodeId === "number" && node.backendDOMNodeId > 0;
      if (canRef && (INTERACTIVE.has(role) || (CONTENT.has(role) && name))) {
        const key = `e${refs.size + 1}`;
        newRef = [key, { role, ...(name ? { name } : {}), backendNodeId: node.backendDOMNodeId! }];
        ref = ` [ref=${key}]`;
      }
      const value = str(node.value);
      const shown = role === "rootwebarea" || role === "webarea" ? "document" : role || "unknown";
      line = `${"  ".repeat(depth)}- ${shown}${name ? ` ${quote(name)}` : ""}${ref}${
        value && value !== name ? ` value=${quote(value)}` : ""
      }`;
      childDepth = depth + 1;
    }
    if (line !== undefined) {
      if (chars + line.length + 1 > maxChars) {
        truncated = true;
        break;
      }
      lines.push(line);
      chars += line.length + 1;
      if (newRef) {
        refs.set(...newRef);
        if (INTERACTIVE.has(newRef[1].role)) interactive++;
      }
    }
    const kids = node.childIds ?? [];
    for (let i = kids.length - 1; i >= 0; i--) {
      stack.push({ id: kids[i], depth: childDepth, parentName: name || parentName });
    }
  }
  let text = lines.join("\n") ||
    (options.interactiveOnly ? "(no interactive elements)" : "(empty page)");
  if (truncated) {
    text +=
      `\n\u2026 (snapshot cut at ${maxChars} characters / ${maxNodes} nodes; pass maxChars for more)`;
  }
  return { text, refs, truncated, interactive };
}
