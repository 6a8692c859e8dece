/**
 * Sessions: every agent's sessions from `sessions.list` (search, newest first), open one in the
 * chat panel, reset it (`sessions.reset`) or delete it (`sessions.delete`), each after a
 * confirmation. The list refreshes on `sessions.changed`.
 *
 * @module
 */
import { html, useState, type VNode } from "../deps/preact.ts";
import type { PanelProps } from "./app.ts";
import { useEvent, useRpc } from "./hooks.ts";
import { Card, ErrorBox, formatAgo } from "./widgets.ts";

type Rec = Record<string, unknown>;

function chatHref(agentId: string, session: string): string {
  return `#/chat?${new URLSearchParams({ agent: agentId, session })}`;
}

/** The sessions panel. */
export function SessionsPanel({ client }: PanelProps): VNode {
  const [search, setSearch] = useState("");
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<string>();
  const list = useRpc<{ sessions: Rec[]; totalCount?: number }>(client, "sessions.list", {
    limit: 500,
    search: search || undefined,
  }, search);
  useEvent(client, "sessions.changed", () => list.reload());

  const act = async (method: string, row: Rec, question: string) => {
    if (!confirm(question)) return;
    setBusy(String(row.key));
    setError(undefined);
    try {
      await client.request(method, { key: row.key, agentId: row.agentId });
      list.reload();
    } catch (err) {
      setError(`${method}: ${(err as Error).message}`);
    } finally {
      setBusy(undefined);
    }
  };
  const rows = list.data?.sessions ?? [];
  return html`
    <${Card} wide title=${`Sessions${
      list.data?.totalCount !== undefined ? ` (${list.data.totalCount})` : ""
    }`}
      actions=${html`
        <input type="search" placeholder="Search" value=${search} aria-label="Search sessions"
          onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)} />
      `}>
        <${ErrorBox} error=${error ?? list.error} />
        ${rows.length === 0 && !list.loading ? html`<p class="muted">No sessions.</p>` : null}
        <table class="grid sessions">
          <thead><tr><th>Session</th><th>Agent</th><th>Messages</th><th>Updated</th><th></th></tr></thead>
          <tbody>${rows.map((r) => {
            const key = String(r.key);
            return html`
              <tr key=${key}>
                <td><a href=${chatHref(String(r.agentId), key)}>${String(r.displayName ?? key)}</a>
                          ${r.lastMessagePreview
                            ? html`<div class="muted clip">${String(r.lastMessagePreview)}</div>`
                            : null}</td>
                <td>${String(r.agentId ?? "")}</td>
                <td>${String(r.messageCount ?? "")}</td>
                <td>${formatAgo(r.updatedAt)}</td>
                <td class="row-actions">
                          ${client.has("sessions.reset")
                            ? html`
                              <button class="small" disabled=${busy === key}
                                onClick=${() =>
                                  act(
                                    "sessions.reset",
                                    r,
                                    `Reset ${key}? The conversation starts over.`,
                                  )}>Reset</button>
                            `
                            : null}
                          ${client.has("sessions.delete")
                            ? html`
                              <button class="small danger" disabled=${busy === key}
                                onClick=${() =>
                                  act(
                                    "sessions.delete",
                                    r,
                                    `Delete ${key} and its transcript?`,
                                  )}>Delete</button>
                            `
                            : null}
                        </td>
              </tr>
            `;
          })}</tbody>
        </table>
      </${Card}>
  `;
}
