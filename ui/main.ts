/**
 * The dashboard's entry point: takes the credentials out of the URL (and the URL out of the
 * address bar), loads this browser's device identity, connects, and renders the app.
 *
 * @module
 */
/// <reference lib="dom" />
import { html, render } from "./deps/preact.ts";
import { GatewayClient, type SocketLike } from "./lib/client.ts";
import { CredentialStore } from "./lib/credentials.ts";
import { createSigner, type KeyValueStore, loadOrCreateIdentity } from "./lib/identity.ts";
import { parseLaunchUrl, resolveGatewayUrl } from "./lib/launch.ts";
import { App } from "./views/app.ts";

/** A store for when the browser refuses site storage: the page then is a new device each load. */
function memoryStore(): KeyValueStore {
  const m = new Map<string, string>();
  return {
    getItem: (k) => m.get(k) ?? null,
    setItem: (k, v) => void m.set(k, v),
    removeItem: (k) => void m.delete(k),
  };
}

function storage(get: () => Storage): KeyValueStore {
  try {
    const s = get();
    s.getItem("openclaw.probe");
    return s;
  } catch {
    return memoryStore();
  }
}

// The gateway writes its version into the page, so a version bump does not change the bundle.
const version = document.querySelector<HTMLMetaElement>('meta[name="openclaw-version"]')?.content ||
  "dev";
const launch = parseLaunchUrl(location.href);
// First thing: the token must not stay in the address bar, the history or a bookmark.
if (launch.stripped) history.replaceState(history.state, "", launch.cleanUrl);

const local = storage(() => localStorage);
const url = resolveGatewayUrl(location.href, launch.credentials.gatewayUrl);
const credentials = new CredentialStore(url, storage(() => sessionStorage), local);
if (launch.credentials.token) credentials.setSharedToken(launch.credentials.token);
if (launch.credentials.password) credentials.setPassword(launch.credentials.password);
if (launch.credentials.bootstrapToken) {
  credentials.setBootstrapToken(launch.credentials.bootstrapToken);
}

const client = new GatewayClient({
  url,
  // A browser WebSocket has every member SocketLike names; only its handler types are narrower.
  openSocket: (u) => new WebSocket(u) as unknown as SocketLike,
  identity: loadOrCreateIdentity(local),
  sign: createSigner(globalThis.isSecureContext && crypto.subtle ? crypto.subtle : undefined),
  credentials,
  version,
  locale: navigator.language,
  userAgent: navigator.userAgent.slice(0, 256),
  timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
});
client.start();
render(
  html`<${App} client=${client} credentials=${credentials} />`,
  document.getElementById("app")!,
);
