/**
 * Every doctor check. Adding a check is one export line here; `order` sets where it runs.
 *
 * @module
 */
export { configLegacyCheck, configValidCheck } from "./config.ts";
export { stateIntegrityCheck } from "./state.ts";
export { gatewayAuthCheck, gatewayRuntimeCheck } from "./gateway.ts";
export { modelAuthCheck } from "./models.ts";
export { sandboxImageCheck } from "./sandbox.ts";
export { securityWarningsCheck } from "./security.ts";
export { serviceDriftCheck, serviceLingerCheck } from "./service.ts";
export { gatewayInstallsCheck } from "./installs.ts";
