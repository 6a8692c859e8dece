/**
 * What the page shows until it is connected, and above the panels when the connection drops:
 * the failure in the chapter's words, the gateway's message, the fix (with the exact command to
 * copy, e.g. `openclaw devices approve <id>` while pairing), a countdown to the next attempt
 * with "Check now", and a token form when the token is what is wrong.
 *
 * @module
 */
import { html, useEffect, useState, type VNode } from "../deps/preact.ts";
import type { ConnectionState, GatewayClient } from "../lib/client.ts";
import type { CredentialStore } from "../lib/credentials.ts";
import { Command } from "./widgets.ts";

function Countdown(props: { at?: number }): VNode | null {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(id);
  }, []);
  if (!props.at) return null;
  const s = Math.max(0, Math.ceil((props.at - now) / 1000));
  return html`<span class="muted">next attempt in ${s} s</span>`;
}

function TokenForm(props: { client: GatewayClient; credentials: CredentialStore }): VNode {
  const [token, setToken] = useState("");
  const submit = (e: Event) => {
    e.preventDefault();
    props.credentials.setSharedToken(token.trim());
    props.client.retryNow();
  };
  return html`
    <form class="token-form" onSubmit=${submit}>
      <label>Gateway token
          <input type="password" autocomplete="off" value=${token}
            onInput=${(e: Event) => setToken((e.target as HTMLInputElement).value)} />
        </label>
      <button type="submit" disabled=${!token.trim()}>Connect</button>
    </form>
  `;
}

/** Renders `backticked` parts of a sentence as code. */
function withCode(text: string): (string | VNode)[] {
  return text.split("`").map((part, i) => (i % 2 ? html`<code>${part}</code>` : part));
}

/** The connection panel: progress, or the problem and how to fix it. */
export function ConnectView(
  props: {
    client: GatewayClient;
    credentials: CredentialStore;
    state: ConnectionState;
    compact?: boolean;
  },
): VNode {
  const { state, client } = props;
  const problem = state.problem;
  if (!problem || state.phase === "connecting" && !problem) {
    return html`
      <div class="connect-box">
        <p class="muted">Connecting to the gateway…</p>
      </div>
    `;
  }
  const pairing = state.phase === "pairing";
  return html`<div class=${`connect-box${
    props.compact ? " compact" : ""
  }`} role="status" data-phase=${state.phase}>
    <h2 class="problem-title">${problem.title}</h2>
    <p>${problem.message}</p>
    ${
    pairing && problem.requestId
      ? html`<p>Request id: <code class="request-id">${problem.requestId}</code></p>`
      : null
  }
    <p class="fix">${withCode(problem.fix)}</p>
    ${problem.command ? html`<${Command} text=${problem.command} />` : null}
    ${
    state.phase === "pairing" || state.phase === "retrying"
      ? html`<p><${Countdown} at=${state.nextAttemptAt} />${" "}<button type="button" class="small" onClick=${() =>
        client.retryNow()}>Check now</button></p>`
      : html`<p><button type="button" onClick=${() => client.retryNow()}>Retry</button></p>`
  }
    ${
    problem.askToken
      ? html`<${TokenForm} client=${client} credentials=${props.credentials} />`
      : null
  }
  </div>`;
}
