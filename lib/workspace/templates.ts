/**
 * The files a new agent workspace starts with. They are string constants (not files read at run
 * time) so the compiled binary carries them.
 *
 * @module
 */

/** File name -> initial content of a fresh workspace. */
export const WORKSPACE_TEMPLATES: Readonly<Record<string, string>> = {
  "AGENTS.md": `# AGENTS.md

This folder is the assistant's workspace. Files here are read into the system prompt at the start
of every session, so keep them short and current.

- SOUL.md: who the assistant is and how it talks.
- USER.md: who it works for.
- IDENTITY.md: its name, emoji and theme.
- TOOLS.md: notes about local tools and conventions.
- HEARTBEAT.md: what to check on each heartbeat (leave empty to skip).
`,
  "SOUL.md": `# SOUL.md

Be helpful, direct and honest. Say when you are unsure. Ask before doing anything that cannot be
undone, and never share private data outside the conversation it came from.
`,
  "TOOLS.md": `# TOOLS.md

Notes about the tools and conventions of this machine (paths, preferred commands, what not to
touch). The assistant reads this before using its tools.
`,
  "IDENTITY.md": `# IDENTITY.md

- Name: Clawd
- Emoji: \uD83E\uDD9E
- Theme: helpful assistant
`,
  "USER.md": `# USER.md

Who the assistant works for: name, time zone, how to address you, what you care about.
`,
  "HEARTBEAT.md": `# HEARTBEAT.md

<!-- What to check on each heartbeat. Keep it short: every line costs tokens on every beat.
     When there is nothing to report, the assistant answers HEARTBEAT_OK and stays quiet. -->
`,
};
