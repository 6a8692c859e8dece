/**
 * Small shared pieces of the panels: cards, status badges, key/value lists, error boxes, a
 * command with a copy button, and formatting of times, durations and sizes.
 *
 * @module
 */
import { type ComponentChildren, html, useState, type VNode } from "../deps/preact.ts";

/** A titled card. */
export function Card(
  props: {
    title?: string;
    actions?: ComponentChildren;
    children?: ComponentChildren;
    wide?: boolean;
  },
): VNode {
  return html`<section class=${`card${props.wide ? " wide" : ""}`}>
    ${
    props.title || props.actions
      ? html`
        <header>
          <h2>${props.title}</h2>
          <div class="actions">${props.actions}</div>
        </header>
      `
      : null
  }
    ${props.children}
  </section>`;
}

const GOOD = new Set([
  "running",
  "ok",
  "connected",
  "ready",
  "started",
  "on",
  "enabled",
  "sent",
  "ok-token",
  "ok-empty",
  "yes",
]);
const BAD = new Set(["failed", "error", "degraded", "stopped", "off", "disconnected", "no"]);

/** A coloured status word. */
export function Badge(props: { status: unknown }): VNode {
  const text = String(props.status ?? "unknown");
  const tone = GOOD.has(text) ? "good" : BAD.has(text) ? "bad" : "neutral";
  return html`<span class=${`badge ${tone}`}>${text}</span>`;
}

/** A definition list of label → value rows (empty values are skipped). */
export function Facts(props: { rows: [string, unknown][] }): VNode {
  return html`<dl class="facts">${
    props.rows.filter(([, v]) => v !== undefined && v !== null && v !== "").map(([k, v]) =>
      html`
        <dt>${k}</dt>
        <dd>${typeof v === "object" && !("type" in (v as object)) ? JSON.stringify(v) : v}</dd>
      `
    )
  }</dl>`;
}

/** An error message box (nothing when `error` is empty). */
export function ErrorBox(props: { error?: string; children?: ComponentChildren }): VNode | null {
  if (!props.error) return null;
  return html`<div class="error" role="alert">${props.error}${props.children}</div>`;
}

/** A shell command with a copy button. */
export function Command(props: { text: string }): VNode {
  const [copied, setCopied] = useState(false);
  const copy = () => {
    navigator.clipboard?.writeText(props.text).then(() => setCopied(true), () => {});
  };
  return html`<div class="command"><code>${props.text}</code>
    <button type="button" class="small" onClick=${copy}>${
    copied ? "Copied" : "Copy"
  }</button></div>`;
}

/** Pretty JSON in a scrollable block. */
export function Json(props: { value: unknown }): VNode {
  return html`<pre class="json">${JSON.stringify(props.value, null, 2)}</pre>`;
}

/** "3 h 12 min", "45 s". */
export function formatDuration(ms: unknown): string {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ${m % 60} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

/** Local date and time of an epoch-ms or ISO value. */
export function formatTime(value: unknown): string {
  if (value === undefined || value === null || value === "") return "";
  const d = new Date(value as string | number);
  return Number.isNaN(d.getTime()) ? String(value) : d.toLocaleString();
}

/** "12.3 MB". */
export function formatBytes(n: unknown): string {
  if (typeof n !== "number") return "";
  const units = ["B", "KB", "MB", "GB"];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i ? 1 : 0)} ${units[i]}`;
}

/** "5 min ago". */
export function formatAgo(ts: unknown, now = Date.now()): string {
  if (typeof ts !== "number") return "";
  return `${formatDuration(Math.max(0, now - ts))} ago`;
}
