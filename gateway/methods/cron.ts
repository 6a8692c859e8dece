/**
 * `cron.status`, `cron.list`, `cron.get`, `cron.add`, `cron.update`, `cron.remove`, `cron.run`,
 * `cron.runs`: stock's params and result shapes (reference/automation.md §2.5), so stock clients
 * list and run our jobs. Reads need `operator.read`, changes `operator.admin`. Job lookups take
 * `id` or `jobId`. The work is the cron engine's (lib/cron), loaded by the first call; handlers
 * only translate.
 *
 * @module
 */
import { z } from "zod";
import {
  CronJobCreateSchema,
  CronJobPatchSchema,
  DELIVERY_STATUSES,
  RUN_STATUSES,
} from "../../lib/cron/types.ts";
import { invalidRequest } from "../../lib/protocol/error_map.ts";
import { cronEngineOf } from "../subsystems/cron.ts";
import { defineMethod, type MethodDefinition } from "./registry.ts";

const JobRef = {
  id: z.string().min(1).max(128).optional(),
  jobId: z.string().min(1).max(128).optional(),
};
const Limit = z.int().min(1).max(200).optional();
const Offset = z.int().min(0).max(1_000_000).optional();
const Query = z.string().max(200).optional();

function jobIdOf(method: string, params: { id?: string; jobId?: string }): string {
  const id = params.id ?? params.jobId;
  if (!id) throw invalidRequest(`invalid ${method} params: id (or jobId) is required`);
  return id;
}

/** `cron.list` params (stock's filters). */
const CronListParams = z.looseObject({
  includeDisabled: z.boolean().optional(),
  enabled: z.enum(["all", "enabled", "disabled"]).optional(),
  limit: Limit,
  offset: Offset,
  query: Query,
  scheduleKind: z.string().max(20).optional(),
  lastRunStatus: z.string().max(20).optional(),
  sortBy: z.enum(["nextRunAtMs", "updatedAtMs", "name"]).optional(),
  sortDir: z.enum(["asc", "desc"]).optional(),
  agentId: z.string().max(64).optional(),
  compact: z.boolean().optional(),
});

/** `cron.runs` params. */
const CronRunsParams = z.looseObject({
  ...JobRef,
  scope: z.enum(["job", "all"]).optional(),
  limit: Limit,
  offset: Offset,
  runId: z.string().max(128).optional(),
  status: z.enum([...RUN_STATUSES, "all"]).optional(),
  statuses: z.array(z.enum([...RUN_STATUSES, "all"])).max(4).optional(),
  deliveryStatus: z.enum(DELIVERY_STATUSES).optional(),
  deliveryStatuses: z.array(z.enum(DELIVERY_STATUSES)).max(4).optional(),
  query: Query,
  sortDir: z.enum(["asc", "desc"]).optional(),
});

/** The cron methods. */
export const cronMethods: MethodDefinition[] = [
  defineMethod({
    name: "cron.status",
    scope: "operator.read",
    params: z.looseObject({}),
    handler: async ({ state }) => (await cronEngineOf(state)).status(),
  }),

  defineMethod({
    name: "cron.list",
    scope: "operator.read",
    params: CronListParams,
    handler: async ({ params, state }) => (await cronEngineOf(state)).jobs.list(params),
  }),

  defineMethod({
    name: "cron.get",
    scope: "operator.read",
    params: z.looseObject(JobRef),
    handler: async ({ params, state }) =>
      (await cronEngineOf(state)).jobs.view(jobIdOf("cron.get", params)),
  }),

  defineMethod({
    name: "cron.add",
    scope: "operator.admin",
    params: CronJobCreateSchema.loose(),
    handler: async ({ params, state }) => {
      const job = (await cronEngineOf(state)).add(params);
      const d = job.delivery;
      const label = d?.mode === "announce"
        ? `${d.channel ?? "last"}${d.to ? `:${d.to}` : ""}`
        : "not requested";
      return { ...job, deliveryPreview: { label, detail: label } };
    },
  }),

  defineMethod({
    name: "cron.update",
    scope: "operator.admin",
    params: z.looseObject({ ...JobRef, patch: CronJobPatchSchema }),
    handler: async ({ params, state }) =>
      (await cronEngineOf(state)).update(jobIdOf("cron.update", params), params.patch),
  }),

  defineMethod({
    name: "cron.remove",
    scope: "operator.admin",
    params: z.looseObject(JobRef),
    handler: async ({ params, state }) =>
      (await cronEngineOf(state)).remove(jobIdOf("cron.remove", params)),
  }),

  defineMethod({
    name: "cron.run",
    scope: "operator.admin",
    params: z.looseObject({
      ...JobRef,
      mode: z.enum(["due", "force", "if-enabled"]).optional(),
    }),
    handler: async ({ params, state }) =>
      (await cronEngineOf(state)).run(jobIdOf("cron.run", params), params.mode ?? "force"),
  }),

  defineMethod({
    name: "cron.runs",
    scope: "operator.read",
    params: CronRunsParams,
    handler: async ({ params, state }) => {
      const engine = await cronEngineOf(state);
      const id = params.id ?? params.jobId;
      if (!id && params.scope !== "all") {
        throw invalidRequest(
          "invalid cron.runs params: id (or jobId) is required unless scope is all",
        );
      }
      // No existence check: the runs of a one-shot deleted after success stay readable.
      const statuses = params.statuses ?? (params.status ? [params.status] : undefined);
      const deliveryStatuses = params.deliveryStatuses ??
        (params.deliveryStatus ? [params.deliveryStatus] : undefined);
      return engine.runs(id, { ...params, statuses, deliveryStatuses });
    },
  }),
];
