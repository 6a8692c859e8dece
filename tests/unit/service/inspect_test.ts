import assert from "node:assert/strict";
import { inspectService, serviceDrift } from "../../../lib/service/inspect.ts";
import { resolveServiceSpec } from "../../../lib/service/spec.ts";
import { parseSystemdUnit, renderSystemdUnit } from "../../../lib/service/systemd_unit.ts";
import type { InstalledService, ServiceSpec } from "../../../lib/service/types.ts";
import { makeFakeServiceTools } from "../../fixtures/fake_service_tools.ts";
import { makeSandbox } from "../../helpers.ts";

const ENV = { HOME: "/nonexistent-home", OPENCLAW_CONFIG_PATH: "/nonexistent-home/c.json" };

function installedFrom(spec: ServiceSpec, edit: (text: string) => string = (t) => t) {
  const text = edit(renderSystemdUnit({
    description: spec.identity.description,
    programArguments: spec.programArguments,
    environment: spec.environment,
    workingDirectory: spec.workingDirectory,
  }));
  const p = parseSystemdUnit(text);
  return {
    path: "/u",
    text,
    programArguments: p.programArguments,
    environment: p.environment,
    workingDirectory: p.workingDirectory,
    directives: p.directives,
  } satisfies InstalledService;
}

Deno.test("serviceDrift() is empty for what install would write", async () => {
  const spec = await resolveServiceSpec({ manager: "systemd", env: ENV, port: 18789 });
  assert.deepEqual(serviceDrift(installedFrom(spec), spec, "systemd"), []);
});

Deno.test("serviceDrift() reports port, config path, token and missing directives", async () => {
  const old = await resolveServiceSpec({
    manager: "systemd",
    env: { ...ENV, OPENCLAW_CONFIG_PATH: "/old/c.json" },
    port: 18789,
  });
  const installed = installedFrom(
    old,
    (t) =>
      t.replace("RestartPreventExitStatus=78\n", "").replace(
        "WorkingDirectory=",
        "Environment=OPENCLAW_GATEWAY_TOKEN=abc\nWorkingDirectory=",
      ),
  );
  const want = await resolveServiceSpec({ manager: "systemd", env: ENV, port: 19001 });
  const drift = serviceDrift(installed, want, "systemd");
  assert.deepEqual(drift, [
    "port: service uses 18789, expected 19001",
    `OPENCLAW_CONFIG_PATH: service has "/old/c.json", install would write "/nonexistent-home/c.json"`,
    "OPENCLAW_GATEWAY_TOKEN in service env (token drift)",
    "unit: missing RestartPreventExitStatus=78 in [Service]",
  ]);
});

Deno.test("inspectService() finds an installed unit and its drift; redacts secrets", async () => {
  await using fake = await makeFakeServiceTools();
  await using sb = await makeSandbox();
  const home = sb.home;
  const env = { HOME: home, PATH: fake.dir, OPENCLAW_SERVICE_PLATFORM: "linux", ...fake.env };
  const none = await inspectService({ env });
  assert.equal(none.manager, "systemd");
  assert.equal(none.installed, false);
  assert.equal(none.unitPath, `${home}/.config/systemd/user/openclaw-gateway.service`);

  const spec = await resolveServiceSpec({ manager: "systemd", env, port: 18789 });
  const unit = installedFrom(
    spec,
    (t) =>
      t.replace(
        "WorkingDirectory=",
        "Environment=OPENCLAW_GATEWAY_TOKEN=s3cret\nWorkingDirectory=",
      ),
  );
  await Deno.mkdir(`${home}/.config/systemd/user`, { recursive: true });
  await Deno.writeTextFile(none.unitPath!, unit.text);
  const found = await inspectService({ env });
  assert.equal(found.installed, true);
  assert.deepEqual(found.programArguments, spec.programArguments);
  assert.equal(found.environment?.OPENCLAW_GATEWAY_TOKEN, "***");
  assert.deepEqual(found.drift, ["OPENCLAW_GATEWAY_TOKEN in service env (token drift)"]);

  const nothing = await inspectService({ env: { ...env, PATH: "/nonexistent" } });
  assert.equal(nothing.manager, "none");
  assert.match(nothing.reason ?? "", /systemctl not available/);
});
