/** The openclaw version, printed by `openclaw --version` and reported to gateway clients. */
export const VERSION = "2026.11.0";
