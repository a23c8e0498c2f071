// The install module's one error class: a code from one table, the object or field it is about, and
// the cause. Messages never hold the enrollment token.
export const INSTALL_ERROR_CODES = [
  /** No static manifest file where it was looked for (the hub was not built with it). */
  'static-manifest-missing',
  /** The static manifest does not parse or lacks an object the hub fills in. */
  'static-manifest-invalid',
  /** A value for the manifest is missing or unsafe (the field is named). */
  'invalid-value',
  /** A served manifest does not hold what describeInstall() reads. */
  'manifest-invalid',
  /** `kubectl kustomize` failed while building the static manifest. */
  'kustomize-failed',
] as const;
export type InstallErrorCode = (typeof INSTALL_ERROR_CODES)[number];

export class InstallError extends Error {
  override readonly name = 'InstallError';
  readonly code: InstallErrorCode;
  /** The field or object the error is about (`cluster.repo`, `ConfigMap ferry-system/ferry-agent-bootstrap`). */
  readonly subject: string;

  constructor(code: InstallErrorCode, subject: string, message: string, options?: { cause?: unknown }) {
    super(`${subject}: ${message}`, options);
    this.code = code;
    this.subject = subject;
  }
}
