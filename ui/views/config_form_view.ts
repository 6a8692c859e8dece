/**
 * The config form: one input per schema field of the common sections, checked as you type,
 * restart-class fields marked, a review of the changes (before → after), then one
 * `config.patch` carrying only the changed keys (the gateway edits those keys in place and
 * keeps every comment in the file).
 *
 * @module
 */
import { html, useMemo, useState, type VNode } from "../deps/preact.ts";
import {
  buildFormSections,
  buildMergePatch,
  displayValue,
  type FormField,
  parseField,
  pendingChanges,
  valueAt,
} from "../lib/config_form.ts";
import type { ConfigViewProps } from "./config.ts";
import { Card } from "./widgets.ts";

function show(v: unknown): string {
  if (v === undefined || v === null) return "(unset)";
  return typeof v === "string" ? v : JSON.stringify(v);
}

function Input(
  props: {
    field: FormField;
    value: unknown;
    text?: string | boolean;
    onEdit(text: string | boolean): void;
  },
): VNode {
  const { field } = props;
  const id = `f-${field.key}`;
  const current = props.text ??
    (field.kind === "boolean" ? props.value === true : displayValue(field, props.value));
  const onText = (e: Event) => props.onEdit((e.target as HTMLInputElement).value);
  if (field.kind === "boolean") {
    return html`
      <input id=${id} type="checkbox" checked=${current === true}
        onChange=${(e: Event) => props.onEdit((e.target as HTMLInputElement).checked)} />
    `;
  }
  if (field.kind === "enum") {
    return html`<select id=${id} value=${current} onChange=${onText}>
      <option value="">(default)</option>
      ${field.options!.map((o) => html`<option value=${o}>${o}</option>`)}</select>`;
  }
  if (field.kind === "secret") {
    const set = props.value !== undefined && props.value !== null;
    return html`
      <input id=${id} type="password" autocomplete="off"
        placeholder=${set
          ? "(set; type to replace)"
          : "(unset)"} value=${typeof props.text === "string" ? props.text : ""}
        onInput=${onText} />
    `;
  }
  return html`<input id=${id} type=${
    field.kind === "number" ? "number" : "text"
  } value=${current} onInput=${onText} />`;
}

/** The form view. */
export function ConfigFormView(props: ConfigViewProps): VNode {
  const { schema, snapshot } = props;
  const sections = useMemo(() => (schema ? buildFormSections(schema) : []), [schema]);
  const [texts, setTexts] = useState(new Map<string, string | boolean>());
  const [reviewing, setReviewing] = useState(false);
  const [saving, setSaving] = useState(false);
  if (!schema) return html`<p class="muted">Loading the schema…</p>`;
  const fields = sections.flatMap((s) => s.fields);
  const edits = new Map<string, unknown>();
  const errors = new Map<string, string>();
  for (const [key, text] of texts) {
    const field = fields.find((f) => f.key === key)!;
    // A secret left empty keeps its current value.
    if (field.kind === "secret" && text === "") continue;
    const parsed = parseField(schema, field, text);
    if (parsed.ok) edits.set(key, parsed.value);
    else errors.set(key, parsed.error);
  }
  const changes = pendingChanges(fields, snapshot.parsed, edits);
  const apply = async () => {
    setSaving(true);
    const result = await props.write("config.patch", {
      raw: JSON.stringify(buildMergePatch(changes)),
    });
    setSaving(false);
    if (result) {
      setTexts(new Map());
      setReviewing(false);
    }
  };
  const edit = (key: string, text: string | boolean) => {
    const next = new Map(texts);
    next.set(key, text);
    setTexts(next);
    setReviewing(false);
  };

  return html`<form class="config-form" onSubmit=${(e: Event) => e.preventDefault()}>
    ${
    sections.map((s) =>
      html`
        <${Card} key=${s.id} title=${s.title}>
          <div class="fields">${s.fields.map((f) =>
            html`<div class=${`field${
              errors.has(f.key) ? " invalid" : ""
            }`} key=${f.key} data-key=${f.key}>
            <label for=${`f-${f.key}`}>${f.label}${
              f.restart
                ? html`
                  <span class="badge warn" title="Changing this restarts the gateway">restart</span>
                `
                : null
            }</label>
            <${Input} field=${f} value=${valueAt(snapshot.parsed, f.path)} text=${texts.get(f.key)}
              onEdit=${(t: string | boolean) => edit(f.key, t)} />
            ${
              errors.has(f.key)
                ? html`<div class="field-error">${f.key}: ${errors.get(f.key)}</div>`
                : null
            }
            ${f.description ? html`<div class="hint">${f.description}</div>` : null}
          </div>`
          )}</div>
          </${Card}>
      `
    )
  }
    <div class="sticky-actions">
      ${
    errors.size ? html`<span class="field-error">${errors.size} field(s) need fixing</span>` : null
  }
      <button type="button" disabled=${changes.length === 0 || errors.size > 0} onClick=${() =>
    setReviewing(true)}>
        Review ${changes.length || ""} change(s)</button>
      <button type="button" class="secondary" disabled=${texts.size === 0} onClick=${() => {
    setTexts(new Map());
    setReviewing(false);
  }}>Discard</button>
    </div>
    ${
    reviewing && changes.length
      ? html`<${Card} title="Review before applying">
        <table class="grid diff-table"><thead><tr><th>Key</th><th>Now</th><th>New</th><th></th></tr></thead>
        <tbody>${
        changes.map((c) =>
          html`
            <tr>
              <td><code>${c.key}</code></td>
              <td>${show(c.before)}</td>
              <td>${show(c.after)}</td>
              <td>${c.restart
                ? html`<span class="badge warn">restart</span>`
                : html`<span class="badge good">live</span>`}</td>
            </tr>
          `
        )
      }</tbody></table>
        ${
        changes.some((c) => c.restart)
          ? html`<p class="hint">Marked changes restart the gateway; this page reconnects by itself.</p>`
          : null
      }
        <button type="button" disabled=${saving} onClick=${apply}>${
        saving ? "Applying…" : "Apply"
      }</button>
      </${Card}>`
      : null
  }
  </form>`;
}
