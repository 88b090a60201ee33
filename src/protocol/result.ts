// Outcomes that cross worker boundaries: a failure is data, never a thrown exception.

export interface ResultError {
  code: string;
  message: string;
  /** Byte offset in the input, when the failure has one. */
  offset?: number;
}

export type Result<T> = { ok: true; value: T } | { ok: false; error: ResultError };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const err = (code: string, message: string, offset?: number): Result<never> => ({
  ok: false,
  error: offset === undefined ? { code, message } : { code, message, offset },
});
