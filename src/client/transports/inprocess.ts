/**
 * In-process transport: a session of an evalkit Server in the same JS realm. Commands run through
 * `Server.execute`, the path every other front end uses; nothing is serialized except when a
 * RESP2 view is asked for.
 *
 * @module
 */

import type { Bytes } from "../../bytes.ts";
import { ReplyDecoder } from "../../resp/decode.ts";
import { encodeReply } from "../../resp/encode.ts";
import type { Reply } from "../../resp/reply.ts";
import type { Server } from "../../server.ts";
import type { Session } from "../../session.ts";
import { errorText } from "../decode.ts";
import { ClosingError, requestError } from "../errors.ts";
import type { Argv, TransactionReplies, Transport } from "./transport.ts";

/** What the in-process transport needs of a Server (structural, so no Server code is imported). */
export type InProcessServer = Pick<Server, "createSession" | "closeSession" | "execute">;

/** Handshake options. */
export interface InProcessOptions {
  /** 3 (default) runs HELLO 3 on the session; 2 leaves it RESP2. */
  readonly protocol?: 2 | 3;
  readonly username?: Bytes;
  readonly password?: Bytes;
  /** Database index to SELECT. */
  readonly database?: number;
}

/**
 * True when `target` looks like an evalkit Server.
 *
 * @param target Anything.
 * @returns Whether it can be driven in-process.
 */
export function isInProcessServer(target: unknown): target is InProcessServer {
  const t = target as Partial<InProcessServer> | null;
  return typeof t === "object" && t !== null && typeof t.execute === "function" &&
    typeof t.createSession === "function" && typeof t.closeSession === "function";
}

/** A Transport over one Session of an in-process Server. */
export class InProcessTransport implements Transport {
  readonly address = "in-process";
  readonly protocol: 2 | 3;
  readonly #server: InProcessServer;
  readonly #session: Session;
  #closed = false;

  /**
   * Opens a session and performs the same handshake as the RESP transport.
   *
   * @param server The server.
   * @param options Protocol, credentials, database.
   */
  constructor(server: InProcessServer, options: InProcessOptions = {}) {
    this.#server = server;
    this.#session = server.createSession();
    this.protocol = options.protocol ?? 3;
    const auth = options.password === undefined
      ? []
      : ["AUTH", options.username ?? "default", options.password];
    const handshake: Argv[] = this.protocol === 3
      ? [["HELLO", "3", ...auth]]
      : auth.length > 0
      ? [auth]
      : [];
    if ((options.database ?? 0) !== 0) handshake.push(["SELECT", String(options.database)]);
    for (const argv of handshake) {
      const reply = server.execute(this.#session, argv);
      if (reply.type === "error") {
        server.closeSession(this.#session);
        throw requestError(errorText(reply)!);
      }
    }
  }

  send(commands: readonly Argv[]): Promise<Reply[]> {
    if (this.#closed) return Promise.reject(new ClosingError());
    return Promise.resolve(commands.map((argv) => this.#run(argv)));
  }

  transaction(
    commands: readonly Argv[],
    prelude: readonly Argv[] = [],
  ): Promise<TransactionReplies> {
    if (this.#closed) return Promise.reject(new ClosingError());
    const before = prelude.map((argv) => this.#run(argv));
    const multi = this.#run(["MULTI"]);
    if (multi.type === "error") {
      return Promise.resolve({ prelude: before, queued: [], exec: multi });
    }
    const queued = commands.map((argv) => this.#run(argv));
    const exec = this.#run(["EXEC"]);
    return Promise.resolve({ prelude: before, queued, exec });
  }

  close(): Promise<void> {
    if (!this.#closed) {
      this.#closed = true;
      this.#server.closeSession(this.#session);
    }
    return Promise.resolve();
  }

  #run(argv: Argv): Reply {
    const reply = this.#server.execute(this.#session, argv);
    // A RESP2 client sees RESP3 types downgraded: let the encoder do exactly that.
    if (this.protocol === 2 && needsDowngrade(reply)) {
      return new ReplyDecoder().feed(encodeReply(reply, 2))[0];
    }
    return reply;
  }
}

function needsDowngrade(reply: Reply): boolean {
  switch (reply.type) {
    case "status":
    case "error":
    case "integer":
    case "bulk":
      return false;
    case "array":
      return reply.value.some(needsDowngrade);
    default:
      return true;
  }
}
