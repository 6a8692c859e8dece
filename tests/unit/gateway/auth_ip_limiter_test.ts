/** Client IP attribution behind proxies and the failed-auth rate limiter (gateway/auth.ts). */
import assert from "node:assert/strict";
import {
  createAuthRateLimiter,
  ipMatches,
  isLoopbackAddress,
  normalizeIp,
  resolveClientIp,
} from "../../../gateway/auth.ts";

Deno.test("isLoopbackAddress() knows 127/8, ::1 and mapped forms", () => {
  for (const ip of ["127.0.0.1", "127.255.0.9", "::1", "[::1]", "::ffff:127.0.0.1", "0:0::1"]) {
    assert.equal(isLoopbackAddress(ip), true, ip);
  }
  for (const ip of ["10.0.0.1", "::", "0.0.0.0", "::ffff:10.0.0.1", "localhost", "", undefined]) {
    assert.equal(isLoopbackAddress(ip), false, String(ip));
  }
  assert.equal(isLoopbackAddress("::ffff:7f00:1"), true);
});

Deno.test("normalizeIp() canonicalises IPv6 and unmaps IPv4", () => {
  assert.equal(normalizeIp("::FFFF:10.1.2.3"), "10.1.2.3");
  assert.equal(normalizeIp("2001:0db8:0000:0000:0000:0000:0000:0001"), "2001:db8::1");
  assert.equal(normalizeIp("fe80::1%eth0"), "fe80::1");
  assert.equal(normalizeIp("1.2.3.256"), undefined);
  assert.equal(normalizeIp("1::2::3"), undefined);
  assert.equal(normalizeIp("not an ip"), undefined);
});

Deno.test("ipMatches() handles exact IPs and IPv4/IPv6 CIDRs", () => {
  assert.equal(ipMatches("10.0.0.1", "10.0.0.1"), true);
  assert.equal(ipMatches("10.1.2.3", "10.0.0.0/8"), true);
  assert.equal(ipMatches("11.0.0.1", "10.0.0.0/8"), false);
  assert.equal(ipMatches("192.168.1.130", "192.168.1.128/25"), true);
  assert.equal(ipMatches("192.168.1.127", "192.168.1.128/25"), false);
  assert.equal(ipMatches("::ffff:10.0.0.5", "10.0.0.0/24"), true);
  assert.equal(ipMatches("fd00::5", "fd00::/8"), true);
  assert.equal(ipMatches("fe00::5", "fd00::/8"), false);
  assert.equal(ipMatches("10.0.0.1", "0.0.0.0/0"), true);
  assert.equal(ipMatches("10.0.0.1", "10.0.0.0/33"), false);
  assert.equal(ipMatches("10.0.0.1", "fd00::/8"), false);
});

Deno.test("resolveClientIp() ignores X-Forwarded-For from an untrusted peer", () => {
  const headers = new Headers({ "x-forwarded-for": "1.2.3.4" });
  assert.equal(resolveClientIp({ remoteAddr: "10.0.0.9", headers }), "10.0.0.9");
  assert.equal(
    resolveClientIp({ remoteAddr: "10.0.0.9", headers, trustedProxies: ["10.0.0.1"] }),
    "10.0.0.9",
  );
  assert.equal(resolveClientIp({ remoteAddr: "::ffff:127.0.0.1", headers }), "127.0.0.1");
});

Deno.test("resolveClientIp() honours a trusted proxy, taking the right-most untrusted hop", () => {
  const trustedProxies = ["10.0.0.1", "172.16.0.0/12"];
  const headers = new Headers({ "x-forwarded-for": "6.6.6.6, 5.5.5.5, 172.16.3.4" });
  assert.equal(resolveClientIp({ remoteAddr: "10.0.0.1", headers, trustedProxies }), "5.5.5.5");
  // CIDR-trusted peer, port-suffixed hop
  const h2 = new Headers({ "x-forwarded-for": "5.5.5.5:4444" });
  assert.equal(
    resolveClientIp({ remoteAddr: "172.20.0.2", headers: h2, trustedProxies }),
    "5.5.5.5",
  );
  // plain record headers work too
  assert.equal(
    resolveClientIp({
      remoteAddr: "10.0.0.1",
      headers: { "X-Forwarded-For": "[2001:db8::7]" },
      trustedProxies,
    }),
    "2001:db8::7",
  );
});

Deno.test("resolveClientIp() fails closed behind a proxy; X-Real-IP only when allowed", () => {
  const trustedProxies = ["127.0.0.1"];
  const headers = new Headers({ "x-real-ip": "8.8.8.8" });
  assert.equal(resolveClientIp({ remoteAddr: "127.0.0.1", headers, trustedProxies }), undefined);
  assert.equal(
    resolveClientIp({
      remoteAddr: "127.0.0.1",
      headers,
      trustedProxies,
      allowRealIpFallback: true,
    }),
    "8.8.8.8",
  );
  assert.equal(
    resolveClientIp({ remoteAddr: "9.9.9.9", headers, allowRealIpFallback: true }),
    "9.9.9.9",
  );
});

Deno.test("createAuthRateLimiter() locks a key after 10 failures for exactly lockoutMs", () => {
  let t = 1_000_000;
  const rl = createAuthRateLimiter({ now: () => t });
  for (let i = 0; i < 9; i++) {
    rl.recordFailure("k");
    t += 1000;
  }
  assert.deepEqual(rl.check("k"), { allowed: true });
  rl.recordFailure("k");
  assert.deepEqual(rl.check("k"), { allowed: false, retryAfterMs: 300_000 });
  t += 120_000;
  assert.deepEqual(rl.check("k"), { allowed: false, retryAfterMs: 180_000 });
  rl.recordFailure("k"); // does not extend the lockout
  assert.deepEqual(rl.check("k"), { allowed: false, retryAfterMs: 180_000 });
  t += 180_000;
  assert.deepEqual(rl.check("k"), { allowed: true });
  assert.equal(rl.size(), 0);
});

Deno.test("createAuthRateLimiter() forgets failures older than the window", () => {
  let t = 0;
  const rl = createAuthRateLimiter({ maxAttempts: 3, windowMs: 1000, now: () => t });
  rl.recordFailure("k");
  rl.recordFailure("k");
  t = 1500;
  rl.recordFailure("k");
  assert.deepEqual(rl.check("k"), { allowed: true });
  rl.recordFailure("k");
  rl.recordFailure("k");
  assert.deepEqual(rl.check("k"), { allowed: false, retryAfterMs: 300_000 });
});

Deno.test("createAuthRateLimiter() exempts loopback but not browser origins on loopback", () => {
  const t = 0;
  const rl = createAuthRateLimiter({ maxAttempts: 2, now: () => t });
  const local = { loopback: true };
  for (let i = 0; i < 5; i++) rl.recordFailure("k", local);
  assert.deepEqual(rl.check("k", local), { allowed: true });

  const evil = { loopback: true, browserOrigin: "https://evil.example" };
  rl.recordFailure("k", evil);
  rl.recordFailure("k", evil);
  assert.equal(rl.check("k", evil).allowed, false);
  // keyed per origin: another page and the CLI are unaffected
  assert.equal(
    rl.check("k", { loopback: true, browserOrigin: "http://localhost:5173" }).allowed,
    true,
  );
  assert.equal(rl.check("k", local).allowed, true);

  const strict = createAuthRateLimiter({ maxAttempts: 1, exemptLoopback: false, now: () => t });
  strict.recordFailure("k", local);
  assert.equal(strict.check("k", local).allowed, false);
});

Deno.test("createAuthRateLimiter() success resets the count", () => {
  const rl = createAuthRateLimiter({ maxAttempts: 3, now: () => 0 });
  rl.recordFailure("k");
  rl.recordFailure("k");
  rl.recordSuccess("k");
  rl.recordFailure("k");
  rl.recordFailure("k");
  assert.deepEqual(rl.check("k"), { allowed: true });
});

Deno.test("createAuthRateLimiter() keeps memory bounded", () => {
  let t = 0;
  const rl = createAuthRateLimiter({ maxEntries: 100, now: () => t });
  for (let i = 0; i < 1000; i++) {
    rl.recordFailure(`ip-${i}`);
    t++;
  }
  assert.ok(rl.size() <= 100, `size ${rl.size()}`);
  assert.throws(() => createAuthRateLimiter({ maxAttempts: 0 }), RangeError);
});
