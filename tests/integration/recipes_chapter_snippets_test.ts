/**
 * Sections 4–8 of the chapter: every config snippet, as a user copies it, loads, validates,
 * survives `config set`/`unset` with its comments, and starts the gateway.
 */
import { chapterFixtures, checkChapterFixture } from "./_chapter_configs.ts";
import type { Sandbox } from "../helpers.ts";

// Tailscale is not installed here: a stand-in `tailscale` on PATH reports loopback as the
// machine's tailnet address, which is all `bind: "tailnet"` asks of it.
const tailscale = {
  env: (sb: Sandbox) => ({ PATH: `${sb.home}/fakebin:${sb.env.PATH}` }),
  async prepare(sb: Sandbox) {
    await Deno.mkdir(`${sb.home}/fakebin`, { recursive: true });
    await Deno.writeTextFile(
      `${sb.home}/fakebin/tailscale`,
      '#!/bin/sh\nif [ "$1" = ip ]; then echo 127.0.0.1; exit 0; fi\necho "{}"\n',
      { mode: 0o755 },
    );
  },
};

const SETUP = new Map([
  ["s7_tailnet.json5", tailscale],
  ["s7_wide_area.json5", tailscale],
]);

for (const name of chapterFixtures([4, 5, 6, 7, 8])) {
  Deno.test(`chapter snippet ${name} loads, validates, round-trips and starts`, async () => {
    await checkChapterFixture(name, SETUP.get(name));
  });
}
