/**
 * Service checks that belong to the service manager code (`lib/service/`): until they are wired
 * there, they report that they did not look.
 *
 * @module
 */
import type { DoctorCheck } from "../types.ts";

/** `service.drift`: the installed unit matches what `gateway install` would write. */
export const serviceDriftCheck: DoctorCheck = {
  id: "service.drift",
  title: "Gateway service config",
  order: 90,
  run: () => Promise.resolve({ skip: "Not checked here (see openclaw gateway status)" }),
};

/** `service.linger`: systemd user services keep running after logout (Linux). */
export const serviceLingerCheck: DoctorCheck = {
  id: "service.linger",
  title: "systemd linger",
  order: 91,
  run: () => Promise.resolve({ skip: 'Not checked here (loginctl show-user "$USER" -p Linger)' }),
};
