import assert from "node:assert/strict";
import type { OnboardAnswers } from "../../../lib/onboard/answers.ts";
import type { ApplyOutcome } from "../../../lib/onboard/apply.ts";
import type { OnboardContext } from "../../../lib/onboard/context.ts";
import { type OnboardEffects, probeAnswers } from "../../../lib/onboard/effects.ts";
import { planOnboarding } from "../../../lib/onboard/plan.ts";
import { OnboardSession } from "../../../lib/onboard/session.ts";
import { isOpenClawError } from "../../../lib/errors.ts";
import { startFakeProvider } from "../../fixtures/fake_providers/mod.ts";
import { contextOf } from "./_context.ts";

/** Effects that record instead of writing. */
function fakeEffects(probeFailure?: string) {
  const applied: OnboardAnswers[] = [];
  const probed: OnboardAnswers[] = [];
  const effects: OnboardEffects = {
    apply: (ctx: OnboardContext, answers: OnboardAnswers): Promise<ApplyOutcome> => {
      applied.push(answers);
      const plan = planOnboarding(ctx, answers);
      return Promise.resolve({
        configPath: ctx.configPath,
        changed: true,
        envVarsWritten: [],
        created: [],
        plan,
        ...(plan.workspace ? { workspace: plan.workspace } : {}),
      });
    },
    probe: (_ctx, answers) => {
      probed.push(answers);
      return Promise.resolve(probeFailure);
    },
  };
  return { effects, applied, probed };
}

Deno.test("OnboardSession.runAuto() answers every step from flags and defaults, then applies once", async () => {
  const { effects, applied, probed } = fakeEffects();
  const session = new OnboardSession({
    ctx: contextOf(),
    given: { acceptRisk: true, authChoice: "openai-api-key", apiKey: "sk-1", runHealth: false },
    effects,
  });
  await session.runAuto();
  assert.equal(session.status, "done");
  assert.equal(applied.length, 1);
  assert.equal(probed.length, 0, "no live test without a person to ask");
  assert.equal(applied[0].gatewayPort, 18789);
  assert.equal(applied[0].channel, "skip");
  assert.ok(session.summary?.some((l) => /Model test skipped/.test(l)));
  assert.ok(!session.summary?.join("\n").includes("sk-1"));
});

Deno.test("OnboardSession.runAuto() refuses a flag its step refuses, before anything is written", async () => {
  const { effects, applied } = fakeEffects();
  const session = new OnboardSession({
    ctx: contextOf(),
    given: { acceptRisk: true, gatewayBind: "lan", tailscale: "serve" },
    effects,
  });
  await assert.rejects(session.runAuto(), (err) => {
    assert.ok(isOpenClawError(err, "USAGE"));
    assert.equal(err.message, "tailscale serve/funnel requires gateway bind=loopback (127.0.0.1)");
    return true;
  });
  assert.equal(applied.length, 0);
});

Deno.test("OnboardSession: a failed live test offers a retry that asks for the provider again", async () => {
  const { effects, probed } = fakeEffects("auth: invalid api key");
  const session = new OnboardSession({
    ctx: contextOf("", { interactive: true }),
    given: { acceptRisk: true, mode: "local", secretInputMode: "plaintext", workspace: "~/w" },
    effects,
  });
  assert.equal((await session.current())?.id, "auth-choice");
  await session.answer("auth-choice", "anthropic-api-key");
  assert.equal(await session.answer("api-key", ""), "Enter the API key");
  await session.answer("api-key", "sk-ant-bad");
  await session.answer("verify", true);
  assert.equal(probed.length, 1);
  const failed = await session.current();
  assert.equal(failed?.id, "verify-failed");
  assert.match(failed!.message, /auth: invalid api key/);
  await session.answer("verify-failed", "retry");
  assert.equal((await session.current())?.id, "auth-choice");
  assert.equal(session.answers.apiKey, undefined);
});

Deno.test("OnboardSession: a given value a step refuses is asked again with the reason", async () => {
  const { effects } = fakeEffects();
  const session = new OnboardSession({
    ctx: contextOf("", { interactive: true }),
    given: {
      acceptRisk: true,
      mode: "local",
      secretInputMode: "plaintext",
      workspace: "~/w",
      authChoice: "skip",
      gatewayAuth: "token",
      gatewayToken: "",
      gatewayBind: "lan",
      tailscale: "funnel",
    },
    effects,
  });
  const view = await session.current();
  assert.equal(view?.id, "gateway-port");
  await session.answer("gateway-port", "18800");
  const ts = await session.current();
  assert.equal(ts?.id, "tailscale");
  assert.match(ts!.error ?? "", /requires gateway bind=loopback/);
});

Deno.test("OnboardSession.answer() refuses an answer for another step, and a declined review ends it unwritten", async () => {
  const { effects, applied } = fakeEffects();
  const session = new OnboardSession({ ctx: contextOf("", { interactive: true }), effects });
  await assert.rejects(session.answer("review", true), (err) => {
    assert.ok(isOpenClawError(err, "WIZARD_ANSWER_INVALID"));
    assert.match(err.message, /waiting for step "risk"/);
    return true;
  });
  await session.answer("risk", false);
  assert.equal(session.status, "cancelled");
  assert.equal(session.error, "Setup cancelled: risk not accepted");
  assert.equal(await session.current(), undefined);
  assert.equal(applied.length, 0);
});

Deno.test("OnboardSession: an apply that throws ends the session in error with its message", async () => {
  const session = new OnboardSession({
    ctx: contextOf(),
    given: { acceptRisk: true },
    effects: { apply: () => Promise.reject(new Error("disk full")) },
  });
  await assert.rejects(session.runAuto(), /disk full/);
  assert.equal(session.status, "error");
  assert.equal(session.error, "disk full");
});

Deno.test("probeAnswers() sends one tiny request to the chosen endpoint and reports failures by bucket", async () => {
  await using fake = await startFakeProvider({ kind: "openai-completions" });
  const answers: OnboardAnswers = {
    mode: "local",
    authChoice: "custom-api-key",
    customBaseUrl: fake.baseUrl,
    customModelId: "fake-model",
    customCompatibility: "openai",
    apiKey: "k-123",
  };
  fake.enqueue({ text: "OK" });
  assert.equal(await probeAnswers(contextOf(), answers), undefined);
  assert.equal(fake.requests.length, 1);
  assert.equal(fake.requests[0].headers.authorization, "Bearer k-123");
  fake.enqueue({ status: 401, error: "bad key" });
  assert.match((await probeAnswers(contextOf(), answers)) ?? "", /^auth/);
});
