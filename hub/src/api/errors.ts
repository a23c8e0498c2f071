// The API's one error class and the one JSON shape every error answers with:
// {"error": {"code": "<kebab-case>", "message": "<sentence naming the field or object>"}}.
// Handlers throw ApiError; app.ts's onError turns it (or anything else, as `internal`) into a response.
import type { RedeemRefusal } from '../store/index.ts';

/** Each code and the HTTP status it always goes with. */
export const API_ERROR_STATUS = {
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  invalid: 400,
  conflict: 409,
  'enrollment-refused': 403,
  internal: 500,
} as const;

export type ApiErrorCode = keyof typeof API_ERROR_STATUS;
export type ApiErrorStatus = (typeof API_ERROR_STATUS)[ApiErrorCode];

export interface ApiErrorBody {
  readonly error: {
    readonly code: ApiErrorCode;
    readonly message: string;
    /** Only for enrollment-refused: why the token was refused. */
    readonly reason?: RedeemRefusal;
  };
}

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly reason: RedeemRefusal | undefined;

  constructor(code: ApiErrorCode, message: string, options?: ErrorOptions & { reason?: RedeemRefusal }) {
    super(message, options);
    this.name = 'ApiError';
    this.code = code;
    this.reason = options?.reason;
  }

  get status(): ApiErrorStatus {
    return API_ERROR_STATUS[this.code];
  }

  toBody(): ApiErrorBody {
    const { code, message, reason } = this;
    return { error: reason === undefined ? { code, message } : { code, reason, message } };
  }
}

/** 400 for a bad input: the message starts with the field it is about. */
export function invalid(field: string, problem: string, options?: ErrorOptions): ApiError {
  return new ApiError('invalid', `${field}: ${problem}`, options);
}

export function clusterNotFound(name: string): ApiError {
  return new ApiError('not-found', `cluster ${name} not found`);
}
