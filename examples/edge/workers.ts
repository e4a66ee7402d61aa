/**
 * evalkit in the Upstash REST dialect as a Workers-style module: `export default { fetch }`, the
 * shape Cloudflare Workers, workerd, Deno (`deno serve`) and Bun (`bun run` of a default export
 * with `fetch`) accept.
 *
 * State is per isolate: each isolate (one per region, and the platform starts more under load or
 * recycles idle ones) has its own in-process server, created on its first request and lost when
 * the isolate goes away. Use it for per-isolate caches, rate limits, tests and demos; when the
 * data must be shared or kept, point the same `@upstash/redis` clients at a real Valkey behind an
 * Upstash-compatible REST endpoint instead (Upstash itself, or this handler in front of one
 * evalkit process on a single machine — `examples/edge/deno.ts`, `bun.ts` or `node.ts`) and keep
 * scripts portable with `createScript()`: only the URL and token change.
 *
 * Wasm: the Lua engine compiles its embedded glue.wasm at start-up, which Deno, Bun, Node and
 * Deno Deploy allow but Cloudflare Workers (workerd) and Vercel Edge forbid ("Wasm code
 * generation disallowed by embedder"). There, compile nothing: `workers_build.ts` writes the
 * patched glue.wasm and the three trampoline modules the engine needs (signatures `ii`: C
 * functions, `vii`: the instruction hook, `iiii`: the continuation that keeps `pcall` yieldable),
 * the platform imports them as `WebAssembly.Module`s, and `createWorker({ glue, trampolines })`
 * hands them to `createServer({ lua: { wasm, trampolines } })`:
 *
 * ```ts ignore
 * import glue from "./glue.wasm";
 * import ii from "./trampoline_ii.wasm";
 * import vii from "./trampoline_vii.wasm";
 * import iiii from "./trampoline_iiii.wasm";
 * import { createWorker } from "./workers.ts";
 * export default createWorker({ glue, trampolines: { ii, vii, iiii } });
 * ```
 *
 * Env: `EVALKIT_TOKEN` (a secret binding; the bearer token clients must send).
 *
 * @module
 */

import { createServer } from "../../mod.ts";
import { createHandler } from "../../src/http/handler.ts";

/** The bindings this worker reads. */
export interface WorkerEnv {
  readonly EVALKIT_TOKEN?: string;
}

/** Precompiled wasm for runtimes that cannot compile it (see the module documentation). */
export interface WorkerWasm {
  /** glue.wasm, patched (written by workers_build.ts). */
  readonly glue: WebAssembly.Module;
  /** The trampoline modules by signature (`ii`, `vii`, `iiii`). */
  readonly trampolines: Readonly<Record<string, WebAssembly.Module>>;
}

/** A Workers-style module. */
export interface Worker {
  fetch(request: Request, env?: WorkerEnv): Promise<Response>;
}

/** Per-request script budget: edge platforms bill (and cap) CPU time per request. */
const SCRIPT_TIME_LIMIT_MS = 1000;

/**
 * Creates a Workers-style module whose isolate-wide server starts on the first request.
 *
 * @param wasm Precompiled wasm (Cloudflare Workers, Vercel Edge); default: the embedded bytes.
 * @returns `{ fetch }`.
 */
export function createWorker(wasm?: WorkerWasm): Worker {
  let app: Promise<ReturnType<typeof createHandler>> | undefined;
  const start = async (env: WorkerEnv) => {
    const server = await createServer(
      wasm === undefined ? {} : { lua: { wasm: wasm.glue, trampolines: wasm.trampolines } },
    );
    return createHandler(server, {
      token: env.EVALKIT_TOKEN || undefined,
      scriptTimeLimitMs: SCRIPT_TIME_LIMIT_MS,
    });
  };
  return {
    async fetch(request: Request, env: WorkerEnv = {}): Promise<Response> {
      app ??= start(env).catch((e) => {
        // Let the next request try again.
        app = undefined;
        throw e;
      });
      return await (await app).fetch(request, env);
    },
  };
}

/** The module itself, with the embedded wasm. */
export default createWorker();
