/**
 * The JSON5 source editor: the file as the gateway reads it (comments and all; secrets shown as
 * a sentinel the gateway puts back), syntax and schema problems listed by line and path while
 * typing, a line diff to review, then `config.set` (write; the gateway's reloader applies it per
 * `gateway.reload.mode`) or `config.apply` (write and restart).
 *
 * @module
 */
import { html, useMemo, useState, type VNode } from "../deps/preact.ts";
import { changedPaths, checkSource } from "../lib/config_source.ts";
import { diffLines } from "../lib/line_diff.ts";
import type { ConfigViewProps } from "./config.ts";
import { Card } from "./widgets.ts";

/** The source view. */
export function ConfigSourceView(props: ConfigViewProps): VNode {
  const original = props.snapshot.raw ?? "{\n}\n";
  const [text, setText] = useState(original);
  const [reviewing, setReviewing] = useState(false);
  const [saving, setSaving] = useState(false);
  const check = useMemo(() => checkSource(text, props.schema), [text, props.schema]);
  const diff = useMemo(() => (reviewing ? diffLines(original, text) : []), [
    reviewing,
    original,
    text,
  ]);
  const paths = useMemo(
    () => (reviewing && check.value !== undefined
      ? changedPaths(props.snapshot.parsed, check.value)
      : []),
    [reviewing, check, props.snapshot.parsed],
  );
  const dirty = text !== original;
  // `$include` pulls in files this page cannot see, so schema findings only warn then.
  const blocked = check.syntax !== undefined ||
    (check.issues.length > 0 && !text.includes("$include"));
  const save = async (method: string) => {
    setSaving(true);
    const result = await props.write(method, { raw: text });
    setSaving(false);
    if (result) setReviewing(false);
  };

  return html`<div class="source">
    <textarea class="code" spellcheck=${false} aria-label="Config source" value=${text}
      onInput=${(e: Event) => {
    setText((e.target as HTMLTextAreaElement).value);
    setReviewing(false);
  }}></textarea>
    ${
    check.syntax
      ? html`<div class="error" role="alert">JSON5 syntax: ${check.syntax.message}</div>`
      : null
  }
    ${
    check.issues.length
      ? html`<div class="error" role="alert"><strong>Not valid config:</strong><ul>${
        check.issues.map((i) => html`<li><code>${i.path}</code> ${i.message}</li>`)
      }</ul></div>`
      : null
  }
    <div class="sticky-actions">
      <button type="button" disabled=${!dirty || blocked} onClick=${() =>
    setReviewing(true)}>Review changes</button>
      <button type="button" class="secondary" disabled=${!dirty} onClick=${() => {
    setText(original);
    setReviewing(false);
  }}>Discard</button>
    </div>
    ${
    reviewing
      ? html`<${Card} title="Review before saving">
        <pre class="diff">${
        diff.map((d) =>
          html`<div class=${`d${
            d.op === "+" ? "add" : d.op === "-" ? "del" : "ctx"
          }`}>${d.op} ${d.text}</div>`
        )
      }</pre>
        ${
        paths.length
          ? html`<ul class="rows">${
            paths.map((p) =>
              html`<li><code>${p.path}</code> ${
                p.restart
                  ? html`<span class="badge warn">restart</span>`
                  : html`<span class="badge good">live</span>`
              }</li>`
            )
          }</ul>`
          : null
      }
        <p class="hint">Save writes the file; the gateway applies live changes by itself and
          restart-marked ones per gateway.reload.mode. Save &amp; restart also restarts the gateway.</p>
        ${
        props.client.has("config.set")
          ? html`
            <button type="button" disabled=${saving} onClick=${() =>
              save("config.set")}>Save</button>
          `
          : null
      }
        ${
        props.client.has("config.apply")
          ? html`
            <button type="button" class="secondary" disabled=${saving}
              onClick=${() => save("config.apply")}>Save &amp; restart</button>
          `
          : null
      }
      </${Card}>`
      : null
  }
  </div>`;
}
