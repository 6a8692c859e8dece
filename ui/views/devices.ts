/**
 * Devices: pending pairing requests and paired devices from `device.pair.list`, with approve,
 * reject, rename, remove and token rotate/revoke where the gateway offers those methods. The
 * list refreshes on `device.pair.requested` / `device.pair.resolved`.
 *
 * @module
 */
import { html, useState, type VNode } from "../deps/preact.ts";
import type { PanelProps } from "./app.ts";
import { useEvent, useRpc } from "./hooks.ts";
import { Card, ErrorBox, formatAgo } from "./widgets.ts";

type Rec = Record<string, unknown>;

function nameOf(d: Rec): string {
  return String(d.operatorLabel ?? d.displayName ?? d.clientId ?? String(d.deviceId).slice(0, 12));
}

/** "web · 192.0.2.2 · operator · 3 s ago": one string, so the separators keep their spaces. */
function detailOf(p: Rec): string {
  return [p.platform, p.remoteIp, p.role ?? "operator", formatAgo(p.ts)]
    .filter((v) => v !== undefined && v !== null && v !== "").map(String).join(" · ");
}

/** The devices panel. */
export function DevicesPanel({ client }: PanelProps): VNode {
  const list = useRpc<{ pending?: Rec[]; paired?: Rec[] }>(client, "device.pair.list");
  const [error, setError] = useState<string>();
  const [notice, setNotice] = useState<string>();
  useEvent(client, "device.pair.requested", () => list.reload());
  useEvent(client, "device.pair.resolved", () => list.reload());

  const call = async (method: string, params: Rec, done?: string) => {
    setError(undefined);
    setNotice(undefined);
    try {
      await client.request(method, params);
      if (done) setNotice(done);
    } catch (err) {
      setError(`${method}: ${(err as Error).message}`);
    }
    list.reload();
  };
  const has = (m: string) => client.has(m);
  const pending = list.data?.pending ?? [];
  const paired = list.data?.paired ?? [];

  return html`<div class="cards">
    <${ErrorBox} error=${error ?? list.error} />
    ${notice ? html`<div class="notice">${notice}</div>` : null}
    <${Card} wide title=${`Pending (${pending.length})`}>
      ${pending.length === 0 ? html`<p class="muted">No device is waiting for approval.</p>` : null}
      <ul class="rows">${
    pending.map((p) =>
      html`<li key=${String(p.requestId)} data-request=${String(p.requestId)}>
          <strong>${nameOf(p)}</strong>
          <span class="muted"> ${detailOf(p)} · <code>${String(p.requestId)}</code></span>
          <span class="row-actions">
            ${
        has("device.pair.approve")
          ? html`<button class="small" onClick=${() =>
            call("device.pair.approve", { requestId: p.requestId }, "Approved.")}>Approve</button>`
          : null
      }
            ${
        has("device.pair.reject")
          ? html`<button class="small secondary" onClick=${() =>
            call("device.pair.reject", { requestId: p.requestId })}>Reject</button>`
          : null
      }
          </span></li>`
    )
  }</ul>
    </${Card}>
    <${Card} wide title=${`Paired (${paired.length})`}>
      <table class="grid"><thead><tr><th>Device</th><th>Client</th><th>Roles</th><th>Last seen</th><th></th></tr></thead>
      <tbody>${
    paired.map((d) => {
      const id = String(d.deviceId);
      const mine = id === client.deviceId;
      return html`
        <tr key=${id}>
          <td>${nameOf(d)}${d.connected
            ? html`
              <span class="badge good">online</span>
            `
            : null}
                    <div class="muted mono">${id.slice(0, 16)}…</div></td>
          <td>${String(d.clientId ?? "")} ${String(d.platform ?? "")}</td>
          <td>${Array.isArray(d.roles)
            ? (d.roles as string[]).join(", ")
            : String(d.role ?? "")}</td>
          <td>${formatAgo(d.lastSeenAtMs)}</td>
          <td class="row-actions">
                    ${has("device.pair.rename")
                      ? html`<button class="small secondary" onClick=${() => {
                        const label = prompt("Name for this device (1–64 characters)", nameOf(d))
                          ?.trim();
                        if (label) void call("device.pair.rename", { deviceId: id, label });
                      }}>Rename</button>`
                      : null}
                    ${has("device.token.rotate")
                      ? html`<button class="small secondary" onClick=${() =>
                        call(
                          "device.token.rotate",
                          { deviceId: id, role: "operator" },
                          "Token rotated.",
                        )}>Rotate</button>`
                      : null}
                    ${has("device.token.revoke")
                      ? html`<button class="small secondary" onClick=${() =>
                        confirm(`Revoke ${nameOf(d)}'s operator token?`) &&
                        call("device.token.revoke", {
                          deviceId: id,
                          role: "operator",
                        })}>Revoke</button>`
                      : null}
                    ${has("device.pair.remove") && !mine
                      ? html`<button class="small danger" onClick=${() =>
                        confirm(`Remove ${nameOf(d)}? It must pair again.`) &&
                        call("device.pair.remove", { deviceId: id })}>Remove</button>`
                      : null}
                  </td>
        </tr>
      `;
    })
  }</tbody></table>
    </${Card}>
  </div>`;
}
