/**
 * Config: a form for the common sections and the JSON5 source, both over the file the gateway
 * reads. It loads `config.get` (redacted: secrets come back as a sentinel the gateway restores
 * on write) and `config.schema`, and every write carries the loaded `baseHash`, so an edit made
 * meanwhile elsewhere is refused instead of overwritten.
 *
 * @module
 */
import { html, useState, type VNode } from "../deps/preact.ts";
import { explainWriteError, type WriteProblem } from "../lib/config_source.ts";
import type { JsonSchema } from "../lib/json_schema.ts";
import type { PanelProps } from "./app.ts";
import { ConfigFormView } from "./config_form_view.ts";
import { ConfigSourceView } from "./config_source_view.ts";
import { useEvent, useRpc } from "./hooks.ts";
import { Card, ErrorBox } from "./widgets.ts";

/** What `config.get` returns (the fields used here). */
export interface ConfigSnapshot {
  path: string;
  exists: boolean;
  raw: string | null;
  parsed: unknown;
  valid: boolean;
  issues: { path: string; message: string }[];
  hash: string | null;
}

/** What the form and source views share. */
export interface ConfigViewProps {
  client: PanelProps["client"];
  snapshot: ConfigSnapshot;
  schema?: JsonSchema;
  /** Sends a write; resolves to its result, or to undefined after showing the problem. */
  write(
    method: string,
    params: Record<string, unknown>,
  ): Promise<Record<string, unknown> | undefined>;
}

/** The config panel. */
export function ConfigPanel({ client, query }: PanelProps): VNode {
  const tab = query.get("tab") === "source" ? "source" : "form";
  const snapshot = useRpc<ConfigSnapshot>(client, "config.get");
  const schema = useRpc<{ schema: JsonSchema }>(
    client,
    client.has("config.schema") ? "config.schema" : null,
  );
  const [problem, setProblem] = useState<WriteProblem>();
  const [notice, setNotice] = useState<string>();
  const [changedOnDisk, setChangedOnDisk] = useState(false);
  useEvent(client, "config.changed", (p) => {
    const hash = (p as { hash?: unknown }).hash;
    if (typeof hash === "string" && hash !== snapshot.data?.hash) setChangedOnDisk(true);
  });

  const write: ConfigViewProps["write"] = async (method, params) => {
    setProblem(undefined);
    setNotice(undefined);
    try {
      const result = await client.request<Record<string, unknown>>(method, {
        ...params,
        baseHash: snapshot.data?.hash ?? undefined,
      });
      const restart = result.restart as { scheduled?: boolean } | undefined;
      setNotice(
        result.noop
          ? "Nothing changed."
          : `Saved to ${String(result.path ?? snapshot.data?.path)}.${
            restart?.scheduled
              ? " The gateway restarts to apply it; this page reconnects by itself."
              : ""
          }`,
      );
      setChangedOnDisk(false);
      snapshot.reload();
      return result;
    } catch (err) {
      setProblem(explainWriteError(err as Error & { code?: string; retryAfterMs?: number }));
      return undefined;
    }
  };

  const data = snapshot.data;
  return html`<div class="config">
    <nav class="subtabs">
      <a href="#/config" class=${tab === "form" ? "active" : ""}>Form</a>
      <a href="#/config?tab=source" class=${tab === "source" ? "active" : ""}>Source (JSON5)</a>
      <span class="muted">${data?.path ?? ""}</span>
    </nav>
    <${ErrorBox} error=${snapshot.error} />
    ${
    changedOnDisk
      ? html`<div class="warning">The config file changed on disk.
          <button class="small" onClick=${() => {
        setChangedOnDisk(false);
        snapshot.reload();
      }}>Reload</button></div>`
      : null
  }
    ${
    problem
      ? html`<${ErrorBox} error=${problem.message}>${
        problem.reload
          ? html`
            <button class="small" onClick=${() => {
              setProblem(undefined);
              snapshot.reload();
            }}>Reload</button>
          `
          : null
      }</${ErrorBox}>`
      : null
  }
    ${notice ? html`<div class="notice" role="status">${notice}</div>` : null}
    ${
    data && !data.valid && data.issues.length
      ? html`
        <${Card} title="The file on disk does not validate">
          <ul>${data.issues.map((i) => html`<li><code>${i.path}</code>: ${i.message}</li>`)}</ul>
          </${Card}>
      `
      : null
  }
    ${
    !data ? html`<p class="muted">${snapshot.loading ? "Loading…" : ""}</p>` : tab === "form"
      ? html`
        <${ConfigFormView} key=${data.hash} client=${client} snapshot=${data} schema=${schema.data
          ?.schema}
          write=${write} />
      `
      : html`
        <${ConfigSourceView} key=${data.hash} client=${client} snapshot=${data} schema=${schema.data
          ?.schema}
          write=${write} />
      `
  }
  </div>`;
}
