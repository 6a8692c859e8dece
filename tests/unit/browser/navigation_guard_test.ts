import assert from "node:assert/strict";
import type { NavigationPolicy } from "../../../lib/browser/config.ts";
import {
  assertNavigationAllowed,
  isSpecialUseAddress,
} from "../../../lib/browser/navigation_guard.ts";

const STRICT: NavigationPolicy = {
  allowPrivateNetwork: false,
  allowedHostnames: [],
  hostnameAllowlist: [],
  blockedHostnames: [],
};
const resolver = (table: Record<string, string[]>) => (host: string) =>
  Promise.resolve(Object.hasOwn(table, host) ? table[host] : []);
const PUBLIC = resolver({ "example.com": ["93.184.216.34"], "evil.test": ["10.0.0.7"] });

Deno.test("isSpecialUseAddress() spots loopback, private, link-local and mapped addresses", () => {
  for (
    const a of [
      "127.0.0.1",
      "10.1.2.3",
      "172.20.0.1",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "[::1]",
      "fe80::1",
      "fd00::5",
      "::ffff:127.0.0.1",
    ]
  ) {
    assert.equal(isSpecialUseAddress(a), true, a);
  }
  for (const a of ["93.184.216.34", "8.8.8.8", "2606:4700::1111", "172.32.0.1"]) {
    assert.equal(isSpecialUseAddress(a), false, a);
  }
});

Deno.test("assertNavigationAllowed() lets public http(s) URLs and about:blank through", async () => {
  assert.equal(
    (await assertNavigationAllowed("https://example.com/a", STRICT, PUBLIC)).hostname,
    "example.com",
  );
  assert.equal((await assertNavigationAllowed("http://93.184.216.34/", STRICT, PUBLIC)).port, "");
  assert.equal((await assertNavigationAllowed("about:blank", STRICT, PUBLIC)).href, "about:blank");
});

Deno.test("assertNavigationAllowed() blocks other protocols", async () => {
  for (
    const url of [
      "file:///etc/passwd",
      "chrome://settings",
      "javascript:alert(1)",
      "data:text/html,x",
    ]
  ) {
    await assert.rejects(assertNavigationAllowed(url, STRICT, PUBLIC), {
      code: "BROWSER_NAVIGATION_DENIED",
      message: /^Navigation blocked: unsupported protocol "/,
    }, url);
  }
});

Deno.test("assertNavigationAllowed() blocks private addresses and names that resolve to them", async () => {
  for (
    const url of [
      "http://127.0.0.1:18789/",
      "http://localhost/",
      "http://169.254.169.254/latest",
      "http://[::1]/",
      "http://app.localhost/",
    ]
  ) {
    await assert.rejects(assertNavigationAllowed(url, STRICT, PUBLIC), {
      message: "Blocked hostname or private/internal/special-use IP address",
    }, url);
  }
  await assert.rejects(assertNavigationAllowed("http://evil.test/", STRICT, PUBLIC), {
    message: "Blocked: evil.test resolves to a private/internal IP address",
  });
});

Deno.test("assertNavigationAllowed() follows allowedHostnames, the private-network switch and the allowlist", async () => {
  await assertNavigationAllowed("http://127.0.0.1:8080/", {
    ...STRICT,
    allowedHostnames: ["127.0.0.1"],
  }, PUBLIC);
  await assertNavigationAllowed(
    "http://10.0.0.9/",
    { ...STRICT, allowPrivateNetwork: true },
    PUBLIC,
  );
  const only = { ...STRICT, hostnameAllowlist: ["*.example.com"] };
  await assertNavigationAllowed(
    "https://docs.example.com/",
    only,
    resolver({ "docs.example.com": ["93.184.216.34"] }),
  );
  await assert.rejects(assertNavigationAllowed("https://other.org/", only, PUBLIC), {
    message: "Blocked hostname (not in allowlist): other.org",
  });
  await assert.rejects(assertNavigationAllowed("not a url", STRICT, PUBLIC), {
    code: "BROWSER_NAVIGATION_INVALID",
  });
});
