/**
 * Logs: the gateway's log file, live. `logs.tail` is read from the end, then followed by byte
 * cursor every two seconds while the panel is open and not paused (the gateway has no log
 * event); lines are filtered by level and search text in the page.
 *
 * @module
 */
import { html, useEffect, useRef, useState, type VNode } from "../deps/preact.ts";
import { appendLogLines, filterLogRows, LOG_LEVELS, type LogRow } from "../lib/log_buffer.ts";
import type { PanelProps } from "./app.ts";
import { useInterval } from "./hooks.ts";
import { Card, ErrorBox } from "./widgets.ts";

/** How often the panel asks for new lines. */
const POLL_MS = 2_000;

interface TailResult {
  file: string | null;
  cursor: number;
  lines: string[];
  reset?: boolean;
  truncated?: boolean;
}

/** The logs panel. */
export function LogsPanel({ client }: PanelProps): VNode {
  const [rows, setRows] = useState<LogRow[]>([]);
  const [file, setFile] = useState<string | null>(null);
  const [level, setLevel] = useState("info");
  const [search, setSearch] = useState("");
  const [paused, setPaused] = useState(false);
  const [error, setError] = useState<string>();
  const cursor = useRef<number | undefined>(undefined);
  const seq = useRef(0);
  const busy = useRef(false);
  const bottom = useRef<HTMLDivElement>(null);

  const poll = async () => {
    if (busy.current) return;
    busy.current = true;
    try {
      const r = await client.request<TailResult>("logs.tail", {
        ...(cursor.current !== undefined ? { cursor: cursor.current } : {}),
        limit: 500,
      });
      setError(undefined);
      setFile(r.file);
      if (r.reset) setRows([]);
      cursor.current = r.cursor;
      if (r.lines.length) {
        const start = seq.current;
        seq.current += r.lines.length;
        setRows((old) => appendLogLines(r.reset ? [] : old, r.lines, start));
      }
    } catch (err) {
      setError((err as Error).message);
    } finally {
      busy.current = false;
    }
  };
  useEffect(() => {
    void poll();
  }, []);
  useInterval(() => void poll(), POLL_MS, !paused);
  const shown = filterLogRows(rows, level, search);
  useEffect(() => {
    if (!paused) bottom.current?.scrollIntoView({ block: "end" });
  }, [shown.length, paused]);

  return html`
    <${Card} wide title="Logs" actions=${html`
      <select aria-label="Minimum level" value=${level} onChange=${(e: Event) =>
        setLevel((e.target as HTMLSelectElement).value)}>
        ${LOG_LEVELS.map((l) => html`<option value=${l}>${l}+</option>`)}</select>
      <input type="search" placeholder="Search" aria-label="Search logs" value=${search}
        onInput=${(e: Event) => setSearch((e.target as HTMLInputElement).value)} />
      <button class="small" onClick=${() => setPaused(!paused)}>${paused
        ? "Resume"
        : "Pause"}</button>
    `}>
      <${ErrorBox} error=${error} />
      <p class="muted">${file
        ? `${file} · ${shown.length} of ${rows.length} lines`
        : "No log file."}</p>
      <div class="log-lines" role="log">
          ${shown.map((r) =>
            html`<div class=${`log ${r.level}`} key=${r.seq}><span class="t">${
              r.time ? r.time.slice(11, 19) : ""
            }</span>
          <span class="l">${r.level}</span>${
              r.subsystem ? html`<span class="s">[${r.subsystem}]</span>` : null
            }
          <span class="m">${r.message}</span></div>`
          )}
          <div ref=${bottom}></div>
        </div>
      </${Card}>
  `;
}
