import assert from "node:assert/strict";
import {
  bootstrapZone,
  corednsPaths,
  corednsServerBlock,
  corefileImportLine,
  corefileWithImport,
  recommendedConfig,
  zoneNeedsBootstrap,
} from "../../../lib/discovery/coredns.ts";

const paths = corednsPaths("/", "openclaw.internal");

Deno.test("corednsPaths() puts the config under <prefix>/etc/coredns", () => {
  assert.deepEqual(paths, {
    dir: "/etc/coredns",
    confD: "/etc/coredns/conf.d",
    corefile: "/etc/coredns/Corefile",
    serverFile: "/etc/coredns/conf.d/openclaw.internal.server",
  });
  assert.equal(corednsPaths("/opt/x", "a.b").corefile, "/opt/x/etc/coredns/Corefile");
});

Deno.test("corednsServerBlock() serves the zone file on the tailnet addresses only", () => {
  assert.equal(
    corednsServerBlock(
      "openclaw.internal",
      { ipv4: "100.101.102.103", ipv6: "fd7a:115c:a1e0::1" },
      "/home/a/.openclaw/dns/openclaw.internal.db",
    ),
    [
      "openclaw.internal:53 {",
      "  bind 100.101.102.103 fd7a:115c:a1e0::1",
      "  file /home/a/.openclaw/dns/openclaw.internal.db {",
      "    reload 10s",
      "  }",
      "  errors",
      "  log",
      "}",
      "",
    ].join("\n"),
  );
});

Deno.test("corefileWithImport() creates, appends or leaves the Corefile", () => {
  const line = corefileImportLine(paths);
  assert.equal(line, "import /etc/coredns/conf.d/*.server");
  assert.equal(corefileWithImport(undefined, line), `${line}\n`);
  assert.equal(
    corefileWithImport(". {\n  forward . 1.1.1.1\n}", line),
    `. {\n  forward . 1.1.1.1\n}\n${line}\n`,
  );
  assert.equal(corefileWithImport(`${line}\n`, line), undefined);
});

Deno.test("bootstrapZone() is a valid minimal zone; zoneNeedsBootstrap() spots a missing SOA/NS", () => {
  const zone = bootstrapZone(
    "openclaw.internal",
    { ipv4: "100.101.102.103" },
    Date.UTC(2026, 11, 1),
  );
  assert.match(zone, /^; created by openclaw dns setup/);
  assert.match(zone, /^@ IN SOA ns1 hostmaster 2026120101 7200 3600 1209600 60$/m);
  assert.match(zone, /^ns1 IN A 100\.101\.102\.103$/m);
  assert.equal(zoneNeedsBootstrap(zone), false);
  assert.equal(zoneNeedsBootstrap(undefined), true);
  assert.equal(zoneNeedsBootstrap("@ IN NS ns1\n"), true);
});

Deno.test("recommendedConfig() publishes the domain over the tailnet", () => {
  assert.deepEqual(recommendedConfig("openclaw.internal"), {
    gateway: { bind: "tailnet" },
    discovery: { wideArea: { enabled: true, domain: "openclaw.internal." } },
  });
});
