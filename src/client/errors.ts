/**
 * Errors the client raises. A server error reply becomes a {@link RequestError} whose `message` is
 * the server's text, unchanged, and whose `code` is its first word (`NOSCRIPT`, `CROSSSLOT`,
 * `WRONGTYPE`, `ERR`…): code decisions (NOSCRIPT → load, MOVED → follow) read `code`, never a
 * substring of the message. The other classes are the client's own failures, GLIDE's names.
 *
 * @module
 */

/** An error reply from the server (or an error element of a batch result). */
export class RequestError extends Error {
  /** The first word of the server's text: `ERR`, `NOSCRIPT`, `WRONGTYPE`, `CROSSSLOT`… */
  readonly code: string;

  /** @param text The server's error text, without the leading `-`. */
  constructor(text: string) {
    super(text);
    this.name = "RequestError";
    const space = text.indexOf(" ");
    this.code = space < 0 ? text : text.slice(0, space);
  }
}

/** EXEC answered EXECABORT: a command of an atomic batch was rejected when queued. */
export class ExecAbortError extends RequestError {
  /** @param text The server's EXECABORT text. */
  constructor(text: string) {
    super(text);
    this.name = "ExecAbortError";
  }
}

/** The connection failed (refused, reset, closed by the server, unreadable reply, HTTP failure). */
export class ConnectionError extends Error {
  /**
   * @param message What failed.
   * @param options The underlying error, if any.
   */
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "ConnectionError";
  }
}

/** A request did not get its reply within `requestTimeoutMs` (the connection is then dropped). */
export class TimeoutError extends Error {
  /** @param message What timed out. */
  constructor(message: string) {
    super(message);
    this.name = "TimeoutError";
  }
}

/** The client was closed: no more requests. */
export class ClosingError extends Error {
  /** @param message Why. */
  constructor(message = "the client is closed") {
    super(message);
    this.name = "ClosingError";
  }
}

/**
 * The typed error for a server error text: {@link ExecAbortError} for EXECABORT, else
 * {@link RequestError}.
 *
 * @param text The error text as the server sent it.
 * @returns The error object.
 */
export function requestError(text: string): RequestError {
  return text.startsWith("EXECABORT") && (text.length === 9 || text[9] === " ")
    ? new ExecAbortError(text)
    : new RequestError(text);
}

/**
 * GLIDE's client-side failure for an atomic cluster batch whose commands hash to different slots
 * ("Received crossed slots in pipeline"); nothing is sent.
 */
export const CROSSSLOT_BATCH = "CROSSSLOT Received crossed slots in pipeline";
