// The store's one error class, for what is not an expected outcome: a database newer than this code, a
// cursor the store did not make. Expected refusals (a used token, a taken name) are typed results instead.

export const STORE_ERROR_CODES = ['schema-too-new', 'invalid-cursor', 'invalid-limit'] as const;
export type StoreErrorCode = (typeof STORE_ERROR_CODES)[number];

export class StoreError extends Error {
  readonly code: StoreErrorCode;

  constructor(code: StoreErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'StoreError';
    this.code = code;
  }
}
