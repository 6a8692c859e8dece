/**
 * Tools & sandbox: what `openclaw sandbox explain` shows (the effective sandbox mode, scope,
 * workspace access and tool policy per agent), read from `sandbox.explain`. Listed only when the
 * gateway offers that method.
 *
 * @module
 */
import { html, type VNode } from "../deps/preact.ts";
import type { PanelProps } from "./app.ts";
import { useRpc } from "./hooks.ts";
import { Card, ErrorBox, Json } from "./widgets.ts";

/** The tools & sandbox panel. */
export function ToolsPanel({ client, query }: PanelProps): VNode {
  const agentId = query.get("agent") ?? undefined;
  const explain = useRpc<unknown>(
    client,
    "sandbox.explain",
    agentId ? { agentId } : {},
    agentId ?? "",
  );
  return html`
    <${Card} wide title="Tools & sandbox"
      actions=${html`<button class="small" onClick=${explain.reload}>Refresh</button>`}>
        <${ErrorBox} error=${explain.error} />
        ${explain.data !== undefined ? html`<${Json} value=${explain.data} />` : null}
      </${Card}>
  `;
}
