import assert from "node:assert/strict";
import { OpenClawError } from "../../../lib/errors.ts";
import {
  DEFAULT_LOG_DIR,
  formatLocalDate,
  isRollingLogName,
  isSafeSharedDir,
  nextLocalMidnight,
  resolveLogDir,
  resolveLogFile,
} from "../../../lib/log/file_path.ts";
import { withTempDir } from "./_helpers.ts";

const JAN_2 = new Date(2026, 0, 2, 23, 59, 59);

Deno.test("DEFAULT_LOG_DIR is /tmp/openclaw", () => {
  assert.equal(DEFAULT_LOG_DIR, "/tmp/openclaw");
});

Deno.test("resolveLogFile() names the file after the host's local date", () => {
  assert.equal(resolveLogFile({ dir: "/x", now: JAN_2 }), "/x/openclaw-2026-01-02.log");
});

Deno.test("resolveLogFile() names a profile's file openclaw-<profile>-YYYY-MM-DD.log", () => {
  assert.equal(
    resolveLogFile({ dir: "/x", profile: "dev", now: JAN_2 }),
    "/x/openclaw-dev-2026-01-02.log",
  );
});

Deno.test("resolveLogFile() treats the `default` profile as no profile", () => {
  assert.equal(
    resolveLogFile({ dir: "/x", profile: "Default", now: JAN_2 }),
    "/x/openclaw-2026-01-02.log",
  );
});

Deno.test("resolveLogFile() lets logging.file override the whole path", () => {
  const path = resolveLogFile({
    configFile: "/var/log/oc.log",
    profile: "dev",
    dir: "/x",
    now: JAN_2,
  });
  assert.equal(path, "/var/log/oc.log");
});

Deno.test("resolveLogFile() refuses a profile name that could leave the directory", () => {
  assert.throws(
    () => resolveLogFile({ dir: "/x", profile: "../etc", now: JAN_2 }),
    (err: unknown) => err instanceof OpenClawError && err.code === "PROFILE_INVALID",
  );
});

Deno.test("resolveLogFile() defaults to the shared or per-user temp directory", () => {
  const path = resolveLogFile({ now: JAN_2 });
  assert.equal(path, `${resolveLogDir()}/openclaw-2026-01-02.log`);
  assert.ok(resolveLogDir() === DEFAULT_LOG_DIR || /openclaw-\d+$/.test(resolveLogDir()));
});

Deno.test("formatLocalDate() pads month and day", () => {
  assert.equal(formatLocalDate(new Date(2026, 2, 5, 0, 0, 0)), "2026-03-05");
});

Deno.test("nextLocalMidnight() returns the start of the next local day", () => {
  assert.equal(nextLocalMidnight(JAN_2), new Date(2026, 0, 3).getTime());
  assert.equal(nextLocalMidnight(new Date(2026, 0, 3)), new Date(2026, 0, 4).getTime());
});

Deno.test("isRollingLogName() matches openclaw-*.log only", () => {
  assert.ok(isRollingLogName("openclaw-2026-01-02.log"));
  assert.ok(isRollingLogName("openclaw-dev-2026-01-02.log"));
  assert.ok(!isRollingLogName("openclaw.log"));
  assert.ok(!isRollingLogName("openclaw-2026-01-02.log.bak"));
  assert.ok(!isRollingLogName("other-2026-01-02.log"));
});

Deno.test("isSafeSharedDir() accepts a missing directory and an owner-only one", async () => {
  await withTempDir((dir) => {
    assert.ok(isSafeSharedDir(`${dir}/missing`));
    Deno.chmodSync(dir, 0o700);
    assert.ok(isSafeSharedDir(dir));
  });
});

Deno.test(
  "isSafeSharedDir() refuses a symlink",
  { ignore: Deno.build.os === "windows" },
  async () => {
    await withTempDir((dir) => {
      Deno.mkdirSync(`${dir}/real`, { mode: 0o700 });
      Deno.symlinkSync(`${dir}/real`, `${dir}/link`);
      assert.ok(!isSafeSharedDir(`${dir}/link`));
    });
  },
);

Deno.test("isSafeSharedDir() refuses a world-writable directory without the sticky bit", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await withTempDir((dir) => {
    Deno.mkdirSync(`${dir}/open`);
    Deno.chmodSync(`${dir}/open`, 0o777);
    assert.ok(!isSafeSharedDir(`${dir}/open`));
    Deno.chmodSync(`${dir}/open`, 0o1777);
    assert.ok(isSafeSharedDir(`${dir}/open`));
  });
});

Deno.test("isSafeSharedDir() refuses a directory owned by another user", {
  ignore: Deno.build.os === "windows",
}, async () => {
  await withTempDir((dir) => {
    const uid = Deno.uid() ?? 0;
    assert.ok(isSafeSharedDir(dir, uid));
    assert.ok(!isSafeSharedDir(dir, uid + 1));
  });
});

Deno.test("isSafeSharedDir() refuses a regular file", async () => {
  await withTempDir((dir) => {
    Deno.writeTextFileSync(`${dir}/file`, "");
    assert.ok(!isSafeSharedDir(`${dir}/file`));
  });
});
