/**
 * Helpers for the scripting front-end tests: a server made by createServer() (with the real Lua
 * engine), sessions, the sha of a body computed independently of evalkit (node:crypto), and a
 * skip reason for tests that need commands other groups have not registered yet.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { createServer } from "../../mod.ts";
import type { Bytes } from "../bytes.ts";
import { ReplyError } from "../errors.ts";
import type { ServerOptions } from "../options.ts";
import type { Reply } from "../resp/reply.ts";
import { Server } from "../server.ts";
import type { Session } from "../session.ts";

/** A server and one client of it. */
export interface TestServer {
  readonly server: Server;
  readonly session: Session;
  /** Runs a command as the main client. */
  run(...argv: Bytes[]): Reply;
  /** Opens another client; returns its `run`. */
  client(): (...argv: Bytes[]) => Reply;
  /** INFO `section` as field → value. */
  info(section: string): Map<string, string>;
  /** INFO `section` field names in order. */
  infoFields(section: string): string[];
}

/**
 * Runs `fn` with a fresh server (closing its Lua engine afterwards).
 *
 * @param fn The test body.
 * @param options Server options.
 */
export async function withServer(
  fn: (t: TestServer) => void | Promise<void>,
  options: ServerOptions = {},
): Promise<void> {
  const server = await createServer(options);
  const session = server.createSession();
  const infoLines = (section: string): string[] => {
    const r = server.execute(session, ["INFO", section]);
    if (r.type !== "verbatim" && r.type !== "bulk") throw new Error(`INFO: ${JSON.stringify(r)}`);
    return r.value.split("\r\n").filter((l) => l !== "" && !l.startsWith("#"));
  };
  const t: TestServer = {
    server,
    session,
    run: (...argv) => server.execute(session, argv),
    client() {
      const s = server.createSession();
      return (...argv) => server.execute(s, argv);
    },
    info: (section) =>
      new Map(
        infoLines(section).map((l) => [l.slice(0, l.indexOf(":")), l.slice(l.indexOf(":") + 1)]),
      ),
    infoFields: (section) => infoLines(section).map((l) => l.slice(0, l.indexOf(":"))),
  };
  try {
    await fn(t);
  } finally {
    server.scripting.engine?.close();
  }
}

/** SHA1 hex of a byte string, computed by node:crypto (not by evalkit). */
export function sha(body: Bytes): string {
  return createHash("sha1").update(body, "latin1").digest("hex");
}

/** The runtime-error suffix of ERR-2. */
export function suffix(body: Bytes, line = 1): string {
  return ` script: ${sha(body)}, on @user_script:${line}.`;
}

const registry = new Server();

/**
 * `{ skip: reason }` while some of these commands are not registered (other groups are writing
 * them), else `{}`: the test runs as soon as they land.
 *
 * @param names Command names.
 */
export function needs(...names: string[]): { skip?: string } {
  const missing = names.filter((n) => {
    const found = registry.lookup([n]);
    return found instanceof ReplyError && found.text.startsWith("ERR unknown command");
  });
  return missing.length === 0 ? {} : { skip: `needs ${missing.join(", ")} (not registered yet)` };
}

/**
 * Like {@link needs}, and `{ todo: reason }` while one of the commands is registered with the
 * `noscript` flag although Valkey 8 lets scripts call it (spec §9.3 lists every noscript command).
 *
 * @param names Command names.
 */
export function needsScriptable(...names: string[]): { skip?: string; todo?: string } {
  const missing = needs(...names);
  if (missing.skip !== undefined) return missing;
  const noscript = names.filter((n) =>
    [...registry.commands()].some((c) => c.name === n && c.flags.includes("noscript"))
  );
  return noscript.length === 0 ? {} : {
    todo: `${noscript.join(", ")} flagged noscript (Redis 7.0's flags); Valkey 8 allows ` +
      "them in scripts (spec §9.3 step 3, CALL-13)",
  };
}
