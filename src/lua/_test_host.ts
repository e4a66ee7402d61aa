/**
 * Test-only helpers for the Lua engine tests: a Map-backed fake ScriptHost (GET, SET, INCR, DEL,
 * plus a few test commands) and shortcuts to compile and run a body. Never imported by src/.
 *
 * @module
 */

import type { Bytes } from "../bytes.ts";
import { bulk, error, int, NULL, OK, type Reply } from "../resp/reply.ts";
import type { ScriptEngine, ScriptHost, ScriptRunOptions } from "../scripting/engine.ts";
import { sha1hex } from "../sha1.ts";

/** A fake host that records what the script did. */
export interface FakeHost extends ScriptHost {
  readonly kv: Map<Bytes, Bytes>;
  readonly calls: Bytes[][];
  readonly logs: [number, Bytes][];
  readonly repl: number[];
  /** Replied by the test command `REPLY`. */
  next: Reply;
}

/**
 * GET/SET/INCR/DEL on a Map; `REPLY` returns `host.next`; `ECHOARGS` returns its arguments;
 * `THROW` throws a JS error (a host bug); anything else is unknown. ACL: `NOPERM` is denied.
 */
export function fakeHost(overrides: Partial<ScriptHost> = {}): FakeHost {
  const kv = new Map<Bytes, Bytes>();
  const calls: Bytes[][] = [];
  const logs: [number, Bytes][] = [];
  const repl: number[] = [];
  const host: FakeHost = {
    kv,
    calls,
    logs,
    repl,
    next: NULL,
    call(argv: readonly Bytes[]): Reply {
      calls.push([...argv]);
      switch (argv[0].toUpperCase()) {
        case "GET": {
          const v = kv.get(argv[1]);
          return v === undefined ? NULL : bulk(v);
        }
        case "SET":
          kv.set(argv[1], argv[2]);
          return OK;
        case "DEL":
          return int(kv.delete(argv[1]) ? 1 : 0);
        case "INCR": {
          const n = Number(kv.get(argv[1]) ?? "0");
          if (!Number.isInteger(n)) return error("ERR value is not an integer or out of range");
          kv.set(argv[1], String(n + 1));
          return int(n + 1);
        }
        case "REPLY":
          return host.next;
        case "ECHOARGS":
          return { type: "array", value: argv.slice(1).map(bulk) };
        case "THROW":
          throw new Error("host bug");
        default:
          return error("ERR Unknown command called from script");
      }
    },
    log(level: number, message: Bytes) {
      logs.push([level, message]);
    },
    setRepl(flags: number) {
      repl.push(flags);
    },
    aclCheck(argv: readonly Bytes[]) {
      const cmd = argv[0].toUpperCase();
      if (cmd === "NOPERM") return false;
      return ["GET", "SET", "INCR", "DEL"].includes(cmd) ? true : "unknown";
    },
    ...overrides,
  };
  return host;
}

/** Compiles `body` (sha = its SHA-1) and runs it. */
export function runScript(
  engine: ScriptEngine,
  body: Bytes,
  keys: readonly Bytes[] = [],
  args: readonly Bytes[] = [],
  host: ScriptHost = fakeHost(),
  options?: ScriptRunOptions,
): Reply {
  return engine.run(engine.compile(sha1hex(body), body), keys, args, host, options);
}

/** The ERR-2 suffix of a runtime error of `body` at `line`. */
export function suffix(body: Bytes, line = 1, source = "@user_script"): string {
  return ` script: ${sha1hex(body)}, on ${source}:${line}.`;
}
