/** A wizard context for unit tests: no files, a fixed clock and token. */
import JSON5 from "json5";
import type { OnboardContext } from "../../../lib/onboard/context.ts";

/** Returns a context for `configText` (parsed as the wizard would), with overrides. */
export function contextOf(
  configText = "",
  over: Partial<OnboardContext> = {},
): OnboardContext {
  return {
    command: "onboard",
    configPath: "/home/u/.openclaw/openclaw.json",
    stateDir: "/home/u/.openclaw",
    configText,
    configExists: configText !== "",
    raw: configText.trim() ? JSON5.parse(configText) : {},
    env: { HOME: "/home/u" },
    stateDotenv: {},
    defaultWorkspace: "/home/u/.openclaw/workspace",
    defaultPort: 18789,
    generatedToken: "generated-token-0123456789",
    now: new Date("2026-03-04T05:06:07.000Z"),
    version: "2026.11.0",
    frontEnd: "cli",
    interactive: false,
    ...over,
  };
}
