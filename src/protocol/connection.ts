/**
 * A RESP client connection without I/O: bytes in, reply bytes out. The runtimes (src/runtime)
 * move bytes between a socket and a Connection; everything else happens here, synchronously.
 *
 * @module
 */

import type { Server } from "../server.ts";
import { BLOCKED } from "../blocking.ts";
import type { Session } from "../session.ts";
import { CommandDecoder } from "../resp/decode.ts";
import { ReplyWriter } from "../resp/encode.ts";
import { error, type Reply } from "../resp/reply.ts";
import { errInternal } from "../errors.ts";

/** Timer functions for blocking-command timeouts (Web-standard setTimeout by default). */
export interface ConnectionTimers {
  set(callback: () => void, ms: number): unknown;
  clear(handle: unknown): void;
}

/** Options of a {@link Connection}. */
export interface ConnectionOptions {
  /**
   * Receives the bytes produced outside `receive()`: the reply of a blocked command (BLPOP…)
   * once a write or its timeout completes it, and the replies of the commands pipelined behind
   * it. Without it those bytes wait for the next `receive()` call.
   */
  readonly onOutput?: (bytes: Uint8Array) => void;
  /** Timers for blocking timeouts (default: the global setTimeout / clearTimeout). */
  readonly timers?: ConnectionTimers;
}

const DEFAULT_TIMERS: ConnectionTimers = {
  set: (callback, ms) => setTimeout(callback, ms),
  clear: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

/** How often a blocked client past its timeout checks whether a busy script has ended. */
const BUSY_RETRY_MS = 10;

/** setTimeout's largest delay; longer waits re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * One client of a {@link Server}: decodes commands (multibulk and inline, pipelined), runs them in
 * order and encodes their replies in the client's protocol.
 *
 * Closing rules follow Valkey: after QUIT's reply or a protocol error's reply the connection is
 * closed and the rest of the input is ignored; a SHUTDOWN that succeeds closes it without a reply.
 *
 * A blocking command (BLPOP…) with nothing to pop leaves its client waiting (see
 * src/blocking.ts): `receive()` stops pulling from the decoder, which keeps the rest of the input
 * in order; a timer armed here times the wait out. When a write or the timer completes the
 * command, its reply and the replies of the commands pipelined behind it go to `onOutput`.
 * A script suspended past busy-reply-threshold (scripting/eval.ts) holds its client the same
 * way until it ends; blocking timeouts that fall due meanwhile wait for it too.
 *
 * No exception escapes (a transport's callback or timer that throws can end the process): one
 * thrown while running or encoding a command is logged (`server.log`, level 3) and answered with
 * `ERR internal error: …`, and the client is served on; any other closes this connection after
 * that reply, its state being unknown.
 *
 * @example Pipelined commands in, replies out
 * ```ts
 * import { Server } from "../server.ts";
 * import { Connection } from "./connection.ts";
 * const conn = new Connection(new Server());
 * const out = conn.receive(new TextEncoder().encode("FOO\r\n"));
 * new TextDecoder().decode(out); // "-ERR unknown command 'FOO', with args beginning with: \r\n"
 * conn.close();
 * ```
 */
export class Connection {
  /** The client state this connection runs commands for. */
  readonly session: Session;
  readonly #server: Server;
  readonly #decoder: CommandDecoder;
  readonly #writer = new ReplyWriter();
  #closed = false;
  #released = false;
  readonly #onOutput: ((bytes: Uint8Array) => void) | undefined;
  readonly #timers: ConnectionTimers;
  /** A blocked command is pending: later commands wait in the decoder. */
  #waiting = false;
  #timer: unknown;

  /**
   * @param server The server that runs the commands.
   * @param session The client's session (default: a new one from `server.createSession()`).
   * @param options Late output callback and timers (blocking commands).
   */
  constructor(
    server: Server,
    session: Session = server.createSession(),
    options: ConnectionOptions = {},
  ) {
    this.#server = server;
    this.session = session;
    this.#decoder = new CommandDecoder({ authRequired: () => !session.authenticated });
    this.#onOutput = options.onOutput;
    this.#timers = options.timers ?? DEFAULT_TIMERS;
    const waker = (reply: Reply) => this.#unblocked(reply);
    server.blocking.attach(session, waker);
    // A busy script (spec §14) holds its caller the same way: the reply comes when it ends.
    server.scripting.attach(session, waker);
  }

  /**
   * True once the transport must close: after QUIT, a protocol error, or SHUTDOWN. Send what the
   * last `receive()` returned first.
   */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Feeds bytes read from the client and runs every command they complete.
   *
   * @param chunk Bytes as read from the socket. Only read during this call.
   * @returns The replies to send, concatenated (possibly empty).
   */
  receive(chunk: Uint8Array): Uint8Array {
    if (this.#closed) return this.#writer.take();
    try {
      this.#decoder.feed(chunk);
      if (!this.#waiting) this.#run();
    } catch (e) {
      this.#crash(e, "reading commands");
    }
    return this.#writer.take();
  }

  /** Runs the decoded commands until the input is exhausted, the client blocks or closes. */
  #run(): void {
    const server = this.#server;
    const session = this.session;
    const decoder = this.#decoder;
    for (;;) {
      const argv = decoder.next();
      if (argv === undefined) break;
      if (!Array.isArray(argv)) {
        server.stats.totalErrorReplies++;
        this.#send(error(argv.text));
        this.#closed = true;
        break;
      }
      const shutdownBefore = server.shutdownRequested;
      let reply: Reply;
      try {
        reply = server.execute(session, argv);
      } catch (e) {
        reply = error(this.#internal(e, `running '${argv[0].slice(0, 64)}'`));
      }
      if (server.shutdownRequested && !shutdownBefore) {
        // A successful SHUTDOWN sends nothing: Valkey's process is gone by then.
        this.#closed = true;
        break;
      }
      if (reply === BLOCKED) {
        if (server.scripting.isWaiting(session)) {
          this.#waiting = true;
          break;
        }
        // Still waiting, unless the same command's writes already served it (#unblocked).
        if (!server.blocking.isBlocked(session)) continue;
        this.#waiting = true;
        this.#armTimer(server.blocking.deadlineOf(session) ?? 0);
        break;
      }
      this.#send(reply);
      if (session.closeAfterReply) {
        this.#closed = true;
        break;
      }
    }
  }

  /** Times the blocked command out at `deadline` (server clock, ms; 0 = never). */
  #armTimer(deadline: number): void {
    if (deadline === 0) return;
    const server = this.#server;
    const delay = Math.min(Math.max(Math.ceil(deadline - server.clock.now()), 1), MAX_TIMER_MS);
    this.#timer = this.#timers.set(() => {
      this.#timer = undefined;
      try {
        const now = server.clock.now();
        if (now < deadline) this.#armTimer(deadline);
        // No timeouts fire while a script is busy: the client is timed out after it.
        else if (server.scripting.busy) this.#armTimer(now + BUSY_RETRY_MS);
        else server.blocking.timeOut(this.session);
      } catch (e) {
        this.#crash(e, "timing out a blocked command");
        this.#flush();
      }
    }, delay);
  }

  /** The blocked command completed (key ready, timeout, unblock): reply, then resume. */
  #unblocked(reply: Reply): void {
    if (this.#timer !== undefined) {
      this.#timers.clear(this.#timer);
      this.#timer = undefined;
    }
    this.#waiting = false;
    if (this.#closed) return;
    // SHUTDOWN NOSAVE stopped the busy script this client waited for: the server is gone.
    if (this.#server.shutdownRequested) {
      this.#closed = true;
      return;
    }
    this.#send(reply);
    // Not from inside the write that woke us (another client's command): once it is done.
    queueMicrotask(() => this.#resume());
  }

  #resume(): void {
    try {
      if (!this.#closed && !this.#waiting) this.#run();
    } catch (e) {
      this.#crash(e, "resuming after a blocked command");
    }
    this.#flush();
  }

  /** Hands the pending output to `onOutput` (if any). */
  #flush(): void {
    const onOutput = this.#onOutput;
    if (onOutput === undefined) return;
    const out = this.#writer.take();
    if (out.length === 0) return;
    try {
      onOutput(out);
    } catch (e) {
      this.#internal(e, "delivering a late reply");
      this.close();
    }
  }

  /** Encodes a reply; one that cannot be encoded is answered with an internal error instead. */
  #send(reply: Reply): void {
    try {
      this.#writer.write(reply, this.session.resp); // all or nothing
    } catch (e) {
      this.#writer.write(error(this.#internal(e, "encoding a reply")), this.session.resp);
    }
  }

  /** Logs an unexpected exception; returns the error text owed to the client. */
  #internal(e: unknown, doing: string): string {
    try {
      this.#server.log(
        3,
        `internal error while ${doing} (client ${this.session.addr || "in-process"}): ${
          e instanceof Error ? e.stack ?? e.message : String(e)
        }`,
      );
    } catch { /* a failing log sink must not break the connection */ }
    return errInternal(e);
  }

  /** An exception left this connection in an unknown state: answer with it, then close. */
  #crash(e: unknown, doing: string): void {
    const text = this.#internal(e, doing);
    if (this.#closed) return;
    this.#send(error(text));
    this.close();
  }

  /** Forgets the session on the server (idempotent). Call when the socket is gone. */
  close(): void {
    this.#closed = true;
    if (this.#timer !== undefined) {
      this.#timers.clear(this.#timer);
      this.#timer = undefined;
    }
    if (this.#released) return;
    this.#released = true;
    this.#server.closeSession(this.session);
  }
}
