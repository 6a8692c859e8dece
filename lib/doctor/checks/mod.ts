/**
 * Every doctor check. Adding a check is one export line here; `order` sets where it runs.
 *
 * @module
 */
export { uiProtocolCheck, updateCheck } from "./freshness.ts";
export { gatewayHealthCheck } from "./health.ts";
export { configLegacyCheck, configValidCheck } from "./config.ts";
export { skillsStatusCheck, skillsSummaryCheck } from "./skills.ts";
export { hooksModelCheck, opencodeOverrideCheck } from "./providers.ts";
export { cronStoreCheck, legacyStateCheck } from "./legacy_state.ts";
export { stateIntegrityCheck } from "./state.ts";
export { gatewayAuthCheck, gatewayRuntimeCheck } from "./gateway.ts";
export { modelAuthCheck } from "./models.ts";
export { sandboxImageCheck } from "./sandbox.ts";
export { securityWarningsCheck } from "./security.ts";
export { serviceDriftCheck, serviceLingerCheck } from "./service.ts";
export { gatewayInstallsCheck } from "./installs.ts";
export { runtimePracticeCheck } from "./runtime.ts";
export { browserPortsCheck } from "../../browser/doctor_check.ts";
