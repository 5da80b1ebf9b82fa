// The one error type of the library: a closed set of codes callers can branch on, serialisable across workers.

/**
 * Every code a {@link SpriteError} can carry. The set is closed: new codes are a breaking change.
 *
 * - `INVALID_OPTION`: a parameter is unknown, of the wrong type, out of range or contradicts another (`param` names it).
 * - `INVALID_PROCESS_STRING`: a process string cannot be parsed (`details.token` holds the offending part).
 * - `SHEET_TOO_LARGE`: the computed sheet exceeds 16384 px on a side.
 * - `START_PAST_END`: `ss` is at or past the end of the video.
 * - `FETCH_FAILED`: a URL input could not be downloaded (network error or HTTP status).
 * - `EMPTY_INPUT`: the input has zero bytes.
 * - `NOT_A_VIDEO`: the input is not a media file the decoder recognises.
 * - `NO_VIDEO_STREAM`: the file is media but holds no video stream (audio only).
 * - `UNSUPPORTED_CODEC`: the video stream's codec cannot be decoded by the engine.
 * - `DECODE_FAILED`: decoding failed before any frame could be captured (corrupt or truncated input).
 * - `ENGINE_FAILED`: the decoding engine could not be loaded or crashed.
 * - `INTERNAL`: a bug; please report it.
 */
export const SPRITE_ERROR_CODES = [
  'INVALID_OPTION',
  'INVALID_PROCESS_STRING',
  'SHEET_TOO_LARGE',
  'START_PAST_END',
  'FETCH_FAILED',
  'EMPTY_INPUT',
  'NOT_A_VIDEO',
  'NO_VIDEO_STREAM',
  'UNSUPPORTED_CODEC',
  'DECODE_FAILED',
  'ENGINE_FAILED',
  'INTERNAL',
] as const;

/** A code from {@link SPRITE_ERROR_CODES}. */
export type SpriteErrorCode = (typeof SPRITE_ERROR_CODES)[number];

/** Plain-object form of a {@link SpriteError}, as it crosses a worker boundary (structured clone drops the class). */
export interface SpriteErrorData {
  /** Always `'SpriteError'`. */
  name: 'SpriteError';
  /** The error's code. */
  code: SpriteErrorCode;
  /** The error's message. */
  message: string;
  /** The parameter at fault, when one is. */
  param?: string;
  /** Machine-readable facts behind the message. */
  details?: Record<string, unknown>;
}

/** The error every failure of the library is reported with, apart from cancellation (an `AbortError` DOMException). */
export class SpriteError extends Error {
  /** Always `'SpriteError'`. */
  override readonly name = 'SpriteError';
  /** What went wrong, from a closed set: branch on this, not on the message. */
  readonly code: SpriteErrorCode;
  /** The parameter at fault, when one is (`'sw'`, `'num'`, …). */
  readonly param?: string;
  /** Machine-readable facts behind the message (the offending value, the valid range, a token). */
  readonly details?: Record<string, unknown>;

  constructor(
    code: SpriteErrorCode,
    message: string,
    init: { param?: string | undefined; details?: Record<string, unknown> | undefined; cause?: unknown } = {},
  ) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = code;
    if (init.param !== undefined) this.param = init.param;
    if (init.details !== undefined) this.details = init.details;
  }

  /** The structured-clone-safe form; {@link SpriteError.fromData} restores it on the other side. */
  toData(): SpriteErrorData {
    const data: SpriteErrorData = { name: 'SpriteError', code: this.code, message: this.message };
    if (this.param !== undefined) data.param = this.param;
    if (this.details !== undefined) data.details = this.details;
    return data;
  }

  /** Rebuilds an error sent with {@link SpriteError.toData}. */
  static fromData(data: SpriteErrorData): SpriteError {
    const code: SpriteErrorCode = (SPRITE_ERROR_CODES as readonly string[]).includes(data.code)
      ? data.code
      : 'INTERNAL';
    return new SpriteError(code, data.message, { param: data.param, details: data.details });
  }
}

/** Shorthand for the most common error: a parameter whose value is not allowed. */
export function invalidOption(param: string, message: string, details?: Record<string, unknown>): SpriteError {
  return new SpriteError('INVALID_OPTION', message, { param, details });
}

/** Renders a value for an error message: strings quoted, everything else as JSON would show it. */
export function showValue(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined)
    return String(value);
  if (typeof value === 'bigint') return `${value}n`;
  try {
    // JSON.stringify gives undefined for functions and symbols, whatever lib.d.ts says.
    const json = JSON.stringify(value) as string | undefined;
    return json ?? Object.prototype.toString.call(value);
  } catch {
    return Object.prototype.toString.call(value);
  }
}
