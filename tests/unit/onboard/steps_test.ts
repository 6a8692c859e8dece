import assert from "node:assert/strict";
import type { OnboardAnswers } from "../../../lib/onboard/answers.ts";
import {
  findStep,
  mergeResult,
  pendingStep,
  splitGiven,
  STEPS,
  type StepState,
} from "../../../lib/onboard/steps.ts";
import type { OnboardContext } from "../../../lib/onboard/context.ts";
import { contextOf } from "./_context.ts";

function state(answers: OnboardAnswers, ctx: OnboardContext = contextOf()): StepState {
  return { ctx, answers, canProbe: false };
}

/** Answers every step with its default and returns the ids in the order they came. */
function walkDefaults(ctx: OnboardContext, start: OnboardAnswers = {}): string[] {
  let answers = start;
  const ids: string[] = [];
  for (let def = pendingStep(state(answers, ctx)); def; def = pendingStep(state(answers, ctx))) {
    ids.push(def.id);
    const result = def.id === "risk"
      ? def.accept(true, state(answers, ctx))
      : def.auto(state(answers, ctx));
    assert.ok("answers" in result, `${def.id}: ${JSON.stringify(result)}`);
    answers = mergeResult(answers, result);
    if (def.id === "review") break;
  }
  return ids;
}

Deno.test("the steps of a local onboarding come in stock's order, ending with the review", () => {
  assert.deepEqual(walkDefaults(contextOf()), [
    "risk",
    "mode",
    "secret-input-mode",
    "workspace",
    "auth-choice",
    "gateway-port",
    "gateway-bind",
    "gateway-auth",
    "gateway-token",
    "tailscale",
    "channel",
    "heartbeat-every",
    "heartbeat-target",
    "install-daemon",
    "health",
    "review",
  ]);
});

Deno.test("a remote onboarding asks for the URL and token only; the RPC never offers service or health", () => {
  assert.deepEqual(walkDefaults(contextOf(), { mode: "remote", remoteUrl: "ws://h:1" }), [
    "risk",
    "secret-input-mode",
    "remote-token",
    "review",
  ]);
  const rpc = walkDefaults(contextOf("", { frontEnd: "rpc" }));
  assert.ok(!rpc.includes("install-daemon") && !rpc.includes("health"));
});

Deno.test("configure --section gateway asks only the gateway's steps and no risk notice", () => {
  const ctx = contextOf("{ gateway: { mode: 'local' } }", {
    command: "configure",
    sections: new Set(["gateway"] as const),
  });
  assert.deepEqual(walkDefaults(ctx), [
    "mode",
    "secret-input-mode",
    "gateway-port",
    "gateway-bind",
    "gateway-auth",
    "gateway-token",
    "tailscale",
    "review",
  ]);
});

Deno.test("step ids are unique and every step can be found by id (prototype names cannot)", () => {
  assert.equal(new Set(STEPS.map((s) => s.id)).size, STEPS.length);
  for (const s of STEPS) assert.equal(findStep(s.id), s);
  assert.equal(findStep("constructor"), undefined);
  assert.equal(findStep("__proto__"), undefined);
});

Deno.test("tailscale refuses Funnel without password auth and Serve on a LAN bind, in the gateway's words", () => {
  const step = findStep("tailscale")!;
  const funnel = step.accept("funnel", state({ gatewayBind: "loopback", gatewayAuth: "token" }));
  assert.deepEqual(funnel, {
    error: "tailscale funnel requires gateway auth mode=password " +
      "(set gateway.auth.password or OPENCLAW_GATEWAY_PASSWORD)",
  });
  const serve = step.accept("serve", state({ gatewayBind: "lan", gatewayAuth: "token" }));
  assert.deepEqual(serve, {
    error: "tailscale serve/funnel requires gateway bind=loopback (127.0.0.1)",
  });
  assert.deepEqual(
    step.accept("funnel", state({ gatewayBind: "loopback", gatewayAuth: "password" })),
    { answers: { tailscale: "funnel" } },
  );
});

Deno.test("the API key step takes the key from the environment when left blank, and names the flag when missing", async () => {
  const step = findStep("api-key")!;
  const withEnv = state(
    { authChoice: "openai-api-key" },
    contextOf("", {
      env: { HOME: "/home/u", OPENAI_API_KEY: "sk-env" },
    }),
  );
  assert.deepEqual(step.accept("", withEnv), { answers: { apiKey: "sk-env" } });
  assert.deepEqual(step.auto(withEnv), { answers: { apiKey: "sk-env" } });
  assert.deepEqual(step.auto(state({ authChoice: "openrouter-api-key" })), {
    error: "Missing --openrouter-api-key (or OPENROUTER_API_KEY in env).",
  });
  const view = await step.view(withEnv);
  assert.equal(view.sensitive, true);
  assert.equal(view.initialValue, undefined, "a secret is never pre-filled");
});

Deno.test("the gateway port step accepts 1-65535 only", () => {
  const step = findStep("gateway-port")!;
  assert.deepEqual(step.accept("18790", state({})), { answers: { gatewayPort: 18790 } });
  for (const bad of ["0", "65536", "80a", "", -1]) {
    assert.ok("error" in step.accept(bad, state({})), String(bad));
  }
});

Deno.test("declining the risk notice ends the run; declining the review writes nothing", () => {
  assert.deepEqual(findStep("risk")!.accept(false, state({})), {
    cancel: "Setup cancelled: risk not accepted",
  });
  assert.deepEqual(findStep("review")!.accept(false, state({})), {
    cancel: "Cancelled: nothing was written",
  });
});

Deno.test("mergeResult() merges answers, counts undefined as answered, and forgets cleared keys", () => {
  const merged = mergeResult({ authChoice: "openai-api-key", apiKey: "k" }, {
    answers: { heartbeatEvery: undefined },
    clear: ["apiKey"],
  });
  assert.deepEqual(Object.keys(merged).sort(), ["authChoice", "heartbeatEvery"]);
});

Deno.test("splitGiven() applies answers without a step at once and leaves the rest to their steps", () => {
  const { settled, owned } = splitGiven({
    gatewayTokenRefEnv: "TOKEN_VAR",
    skipBootstrap: true,
    gatewayPort: 1234,
    mode: "local",
  });
  assert.deepEqual(settled, { gatewayTokenRefEnv: "TOKEN_VAR", skipBootstrap: true });
  assert.deepEqual(owned, { gatewayPort: 1234, mode: "local" });
});
