// Exit codes of `ferry-agent` commands, so pipelines can tell what went wrong.
export const EXIT = {
  ok: 0,
  /** The manifests are invalid (render errors). */
  invalid: 1,
  /** Bad arguments. */
  usage: 2,
  /** Git could not be read: unreachable, credentials refused, ref or path not found. */
  source: 3,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}
