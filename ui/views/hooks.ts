/**
 * Preact hooks over the gateway client: connection state, events, one-shot RPC calls with
 * loading/error state, and the hash route.
 *
 * @module
 */
import { useCallback, useEffect, useRef, useState } from "../deps/preact.ts";
import type { ConnectionState, GatewayClient } from "../lib/client.ts";

/** The client's connection state, re-rendering on change. */
export function useConnection(client: GatewayClient): ConnectionState {
  const [state, setState] = useState(client.state);
  useEffect(() => client.onState(setState), [client]);
  return state;
}

/** Calls `fn` for each `event` while mounted (the latest `fn`, without resubscribing). */
export function useEvent(
  client: GatewayClient,
  event: string,
  fn: (payload: unknown) => void,
): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => client.on(event, (p) => ref.current(p)), [client, event]);
}

/** What {@linkcode useRpc} returns. */
export interface RpcState<T> {
  data?: T;
  error?: string;
  loading: boolean;
  reload(): void;
}

/**
 * Calls `method` when mounted and whenever `key` changes (pass `null` as method to skip), and
 * again on `reload()`. Answers to superseded calls are dropped.
 */
export function useRpc<T>(
  client: GatewayClient,
  method: string | null,
  params: unknown = {},
  key = "",
): RpcState<T> {
  const [state, setState] = useState<{ data?: T; error?: string; loading: boolean }>({
    loading: method !== null,
  });
  const [tick, setTick] = useState(0);
  const paramsRef = useRef(params);
  paramsRef.current = params;
  useEffect(() => {
    if (!method) return;
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    client.request<T>(method, paramsRef.current).then(
      (data) => live && setState({ data, loading: false }),
      (err: Error) =>
        live && setState((s) => ({ data: s.data, error: err.message, loading: false })),
    );
    return () => {
      live = false;
    };
  }, [client, method, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}

/** The current hash route: path (`/chat`) and its query parameters. */
export interface Route {
  path: string;
  query: URLSearchParams;
}

function readRoute(): Route {
  const raw = location.hash.replace(/^#/, "") || "/";
  const [path, search = ""] = raw.split("?");
  return { path: path || "/", query: new URLSearchParams(search) };
}

/** The hash route, re-rendering on `hashchange`. */
export function useRoute(): Route {
  const [route, setRoute] = useState(readRoute);
  useEffect(() => {
    const on = () => setRoute(readRoute());
    addEventListener("hashchange", on);
    return () => removeEventListener("hashchange", on);
  }, []);
  return route;
}

/** Goes to a panel (`navigate("/chat", {session: key})`). */
export function navigate(path: string, query: Record<string, string> = {}): void {
  const search = new URLSearchParams(query).toString();
  location.hash = `#${path}${search ? `?${search}` : ""}`;
}

/** Repeats `fn` every `ms` while mounted and `enabled`. */
export function useInterval(fn: () => void, ms: number, enabled = true): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!enabled) return;
    const id = setInterval(() => ref.current(), ms);
    return () => clearInterval(id);
  }, [ms, enabled]);
}
