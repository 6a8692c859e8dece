import assert from "node:assert/strict";
import { runDoctor } from "../../../lib/doctor/runner.ts";
import type { DoctorCheck } from "../../../lib/doctor/types.ts";
import { doctorHome, openSession } from "./_helpers.ts";

function check(
  id: string,
  order: number,
  run: DoctorCheck["run"],
  extra: Partial<DoctorCheck> = {},
) {
  return { id, title: id, order, run, ...extra } satisfies DoctorCheck;
}

const ok = (message: string) => () => Promise.resolve([{ severity: "info" as const, message }]);

Deno.test("runDoctor() turns a check that times out into an error and runs the others", async () => {
  await using h = await doctorHome("{}");
  const session = await openSession(h);
  let aborted = false;
  const slow = check("slow", 2, (ctx) =>
    new Promise((resolve) => {
      // Never answers in time; it stops its timer when the runner gives up on it.
      const timer = setTimeout(() => resolve([]), 60_000);
      ctx.signal.addEventListener("abort", () => {
        aborted = true;
        clearTimeout(timer);
      });
    }), { timeoutMs: 50 });
  const report = await runDoctor(session, {
    checks: [check("after", 3, ok("still ran")), slow, check("before", 1, ok("first"))],
  });
  assert.deepEqual(report.checks.map((c) => [c.id, c.status]), [
    ["before", "ok"],
    ["slow", "error"],
    ["after", "ok"],
  ]);
  assert.deepEqual(report.checks[1].findings, [{
    severity: "error",
    message: "Check timed out after 50 ms",
  }]);
  assert.equal(aborted, true);
  assert.equal(report.ok, false);
});

Deno.test("runDoctor() reports a throwing check as an error and keeps going", async () => {
  await using h = await doctorHome("{}");
  const report = await runDoctor(await openSession(h), {
    checks: [
      check("boom", 1, () => Promise.reject(new Error("disk on fire"))),
      check("next", 2, ok("fine")),
    ],
  });
  assert.deepEqual(report.checks[0].findings, [{
    severity: "error",
    message: "Check failed: disk on fire",
  }]);
  assert.equal(report.checks[1].status, "ok");
});

Deno.test("runDoctor() maps skips and severities to statuses", async () => {
  await using h = await doctorHome("{}");
  const report = await runDoctor(await openSession(h), {
    checks: [
      check("s", 1, () => Promise.resolve({ skip: "not here" })),
      check("w", 2, () => Promise.resolve([{ severity: "warn", message: "hm" }])),
    ],
  });
  assert.deepEqual(report.checks.map((c) => c.status), ["skipped", "warn"]);
  assert.deepEqual(report.checks[0].findings, [{ severity: "info", message: "not here" }]);
  assert.equal(report.ok, true);
});

function fixable(state: { broken: boolean; fixes: number }, extra: Partial<DoctorCheck> = {}) {
  return check("fixme", 1, () =>
    Promise.resolve(
      state.broken ? [{ severity: "error" as const, message: "broken", fixable: true }] : [],
    ), {
    fix() {
      state.fixes++;
      state.broken = false;
      return Promise.resolve(["repaired it"]);
    },
    ...extra,
  });
}

Deno.test("runDoctor() applies fixes with --fix and re-runs the check", async () => {
  await using h = await doctorHome("{}");
  const state = { broken: true, fixes: 0 };
  const report = await runDoctor(await openSession(h, { fix: true }), { checks: [fixable(state)] });
  assert.equal(state.fixes, 1);
  assert.equal(report.checks[0].status, "fixed");
  assert.deepEqual(report.checks[0].findings, [{ severity: "info", message: "repaired it" }]);
  assert.equal(report.ok, true);
});

Deno.test("runDoctor() without --fix only reports; --non-interactive applies safe fixes only", async () => {
  await using h = await doctorHome("{}");
  const plain = { broken: true, fixes: 0 };
  let report = await runDoctor(await openSession(h), { checks: [fixable(plain)] });
  assert.equal(plain.fixes, 0);
  assert.equal(report.checks[0].status, "error");

  const unsafe = { broken: true, fixes: 0 };
  report = await runDoctor(await openSession(h, { nonInteractive: true }), {
    checks: [fixable(unsafe)],
  });
  assert.equal(unsafe.fixes, 0);

  const safe = { broken: true, fixes: 0 };
  report = await runDoctor(await openSession(h, { nonInteractive: true }), {
    checks: [fixable(safe, { safeFix: true })],
  });
  assert.equal(safe.fixes, 1);
  assert.equal(report.checks[0].status, "fixed");
});

Deno.test("runDoctor() applies a fix its flag asks for (e.g. --generate-gateway-token)", async () => {
  await using h = await doctorHome("{}");
  const state = { broken: true, fixes: 0 };
  await runDoctor(await openSession(h, { generateGatewayToken: true }), {
    checks: [fixable(state, { fixRequested: (o) => o.generateGatewayToken })],
  });
  assert.equal(state.fixes, 1);
});

Deno.test("runDoctor() reports a failing fix as an error of that check", async () => {
  await using h = await doctorHome("{}");
  const report = await runDoctor(await openSession(h, { fix: true }), {
    checks: [
      check(
        "f",
        1,
        () => Promise.resolve([{ severity: "warn" as const, message: "x", fixable: true }]),
        {
          fix: () => Promise.reject(new Error("read-only file system")),
        },
      ),
    ],
  });
  assert.equal(report.checks[0].status, "error");
  assert.equal(report.checks[0].findings.at(-1)?.message, "Fix failed: read-only file system");
});
