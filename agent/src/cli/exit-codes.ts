// Exit codes of `ferry-agent` commands, so pipelines can tell what went wrong.
export const EXIT = {
  ok: 0,
  /** The manifests are invalid (render errors), or the sync failed. */
  invalid: 1,
  /** Bad arguments. */
  usage: 2,
  /** Git could not be read: unreachable, credentials refused, ref or path not found. */
  source: 3,
  /** A sync applied, but the deletion budget (or another guard) stopped its prune. */
  pruneBlocked: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}
