/**
 * Older shapes of the cron store (`cron/jobs.json`) and their current form: a bare job list
 * becomes `{ version: 1, jobs }`; `jobId` -> `id`; a schedule string or `schedule.cron` ->
 * `schedule.expr`; `schedule.atMs` -> `schedule.at`; top-level `message`/`text`/`model`/... move into
 * `payload`; top-level `deliver`/`channel`/`to` and `delivery.mode: "deliver"` become an
 * `announce` delivery; `notify: true` becomes a webhook delivery to `cron.webhook`. Pure: it
 * returns a migrated copy and what it changed.
 *
 * @module
 */

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** What {@linkcode migrateCronStore} found and did. */
export interface CronStoreMigration {
  /** The store in its current shape (a copy). */
  store: { version: number; jobs: unknown[] } & Obj;
  /** Older field -> how many jobs had it (`"bare job list"` for the file shape). */
  issues: Map<string, number>;
  /** Things it could not migrate, one line each. */
  manual: string[];
}

const PAYLOAD_FIELDS = ["model", "thinking", "timeoutSeconds", "allowUnsafeExternalContent"];

function hoistPayload(job: Obj, count: (issue: string) => void): void {
  let payload = isObj(job.payload) ? job.payload : undefined;
  if (!payload) {
    const message = typeof job.message === "string" ? job.message.trim() : "";
    const text = typeof job.text === "string" ? job.text.trim() : "";
    if (message) payload = { kind: "agentTurn", message };
    else if (text) payload = { kind: "systemEvent", text };
    if (payload) {
      job.payload = payload;
      count("top-level payload fields \u2192 payload");
    }
  }
  if (payload) {
    const kind = typeof payload.kind === "string" ? payload.kind.trim().toLowerCase() : "";
    const canonical = kind === "agentturn"
      ? "agentTurn"
      : kind === "systemevent"
      ? "systemEvent"
      : "";
    if (canonical && payload.kind !== canonical) {
      payload.kind = canonical;
      count("payload.kind spelling");
    }
    if (payload.kind === "agentTurn") {
      for (const f of PAYLOAD_FIELDS) {
        if (job[f] !== undefined && payload[f] === undefined) payload[f] = job[f];
      }
    }
  }
  const stale = [...PAYLOAD_FIELDS, "message", "text"].filter((f) => Object.hasOwn(job, f));
  if (stale.length) {
    for (const f of stale) delete job[f];
    count("top-level payload fields \u2192 payload");
  }
}

function hoistDelivery(job: Obj, webhook: string | undefined, manual: string[]): string[] {
  const issues: string[] = [];
  const legacy = ["deliver", "channel", "to", "provider"].filter((f) => Object.hasOwn(job, f));
  if (legacy.length) {
    const channel = typeof job.channel === "string"
      ? job.channel
      : typeof job.provider === "string"
      ? job.provider.trim().toLowerCase()
      : undefined;
    if (!isObj(job.delivery) && (job.deliver === true || channel || typeof job.to === "string")) {
      job.delivery = {
        mode: "announce",
        ...(channel ? { channel } : {}),
        ...(typeof job.to === "string" ? { to: job.to } : {}),
      };
    }
    for (const f of legacy) delete job[f];
    issues.push("top-level deliver/channel/to \u2192 delivery");
  }
  if (isObj(job.delivery) && job.delivery.mode === "deliver") {
    job.delivery.mode = "announce";
    issues.push('delivery.mode "deliver" \u2192 "announce"');
  }
  if (job.notify === true) {
    if (isObj(job.delivery)) {
      delete job.notify;
      issues.push("notify (a delivery is already set)");
    } else if (webhook) {
      job.delivery = { mode: "webhook", to: webhook };
      delete job.notify;
      issues.push("notify: true \u2192 webhook delivery");
    } else {
      manual.push(
        `Job ${String(job.id ?? "?")} has notify: true but cron.webhook is not set: ` +
          "give it a delivery (openclaw cron edit) or remove notify",
      );
    }
  }
  return issues;
}

function migrateSchedule(job: Obj, count: (issue: string) => void): void {
  if (typeof job.schedule === "string") {
    job.schedule = { kind: "cron", expr: job.schedule.trim() };
    count("schedule string \u2192 schedule.expr");
    return;
  }
  if (!isObj(job.schedule)) return;
  const s = job.schedule;
  if (typeof s.cron === "string") {
    if (typeof s.expr !== "string" || !s.expr.trim()) s.expr = s.cron.trim();
    delete s.cron;
    if (s.kind === undefined) s.kind = "cron";
    count("schedule.cron \u2192 schedule.expr");
  }
  if (typeof s.atMs === "number" && Number.isFinite(s.atMs)) {
    if (typeof s.at !== "string") s.at = new Date(s.atMs).toISOString();
    delete s.atMs;
    if (s.kind === undefined) s.kind = "at";
    count("schedule.atMs \u2192 schedule.at");
  }
}

/**
 * Migrates a parsed cron store to its current shape.
 *
 * @param value The parsed `jobs.json` (an object with `jobs`, or a bare list).
 * @param webhook `cron.webhook`, the target of legacy `notify: true` jobs.
 * @returns The migrated copy, the older fields found, and what needs a person; `undefined`
 *   when `value` is not a cron store at all.
 */
export function migrateCronStore(
  value: unknown,
  webhook?: string,
): CronStoreMigration | undefined {
  const issues = new Map<string, number>();
  const manual: string[] = [];
  let jobs: unknown[];
  let rest: Obj = {};
  if (Array.isArray(value)) {
    jobs = value;
    issues.set("bare job list \u2192 { version: 1, jobs }", 1);
  } else if (isObj(value) && Array.isArray(value.jobs)) {
    jobs = value.jobs;
    rest = value;
  } else {
    return undefined;
  }
  const migrated = (structuredClone(jobs) as unknown[]).map((raw) => {
    if (!isObj(raw)) return raw;
    const job = raw;
    const seen = new Set<string>();
    const count = (issue: string) => seen.add(issue);
    if (Object.hasOwn(job, "jobId")) {
      if (typeof job.id !== "string" || !job.id.trim()) job.id = job.jobId;
      delete job.jobId;
      count("jobId \u2192 id");
    }
    migrateSchedule(job, count);
    hoistPayload(job, count);
    for (const issue of hoistDelivery(job, webhook, manual)) count(issue);
    for (const issue of seen) issues.set(issue, (issues.get(issue) ?? 0) + 1);
    // Keep `id` first, where a reader of the file looks for it.
    return Object.hasOwn(job, "id") ? { id: job.id, ...job } : job;
  });
  const version = typeof rest.version === "number" ? rest.version : 1;
  return { store: { ...structuredClone(rest), version, jobs: migrated }, issues, manual };
}
