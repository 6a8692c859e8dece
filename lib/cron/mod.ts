/**
 * Scheduled jobs: the store, the schedules (croner for cron expressions), the run log and the
 * engine that runs due slots through an injected payload runner on an injected clock.
 *
 * @module
 */
export { CronEngine, type CronEngineOptions, type CronLog, type RunNowResult } from "./engine.ts";
export type { CronJobView } from "./jobs.ts";
export type { ListQuery, RunsQuery } from "./queries.ts";
export type { CronPayloadRunner, CronRunContext, CronRunOutcome } from "./runner.ts";
export { type CronSettings, resolveCronSettings } from "./settings.ts";
export { describeSchedule } from "./schedule.ts";
export { formatDuration, parseDuration } from "./duration.ts";
export { formatInZone, isoInZone, isValidTimeZone } from "./timezone.ts";
export * from "./types.ts";
