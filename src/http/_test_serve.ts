/**
 * Test helper: serves a fetch handler on a free loopback port with the runtime's own HTTP server
 * (Deno.serve under Deno, Bun.serve under Bun) and records the paths of the requests it got.
 * Test-only.
 *
 * @module
 */

/** A fetch handler (what `app.fetch` is). */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** A running test server. */
export interface TestHttpServer {
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** Which runtime's server serves it. */
  readonly runtime: "deno" | "bun";
  /** `METHOD /path` of every request received, in order. */
  readonly requests: string[];
  /** Stops the server. */
  close(): Promise<void>;
}

// The parts of Deno's and Bun's APIs used here, declared locally so that this file type-checks
// under `deno check` without bun-types, and under Bun without Deno's types.
interface DenoHttpServer {
  readonly addr: { readonly port: number };
  shutdown(): Promise<void>;
}
interface DenoApi {
  serve(
    options: { hostname: string; port: number; onListen?: () => void },
    handler: FetchHandler,
  ): DenoHttpServer;
}
interface BunHttpServer {
  readonly port: number;
  stop(closeActiveConnections?: boolean): Promise<void> | void;
}
interface BunApi {
  serve(options: { hostname: string; port: number; fetch: FetchHandler }): BunHttpServer;
}

/** The runtime the tests run on, or undefined for anything else (Node). */
export function currentRuntime(): "deno" | "bun" | undefined {
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  return undefined;
}

/**
 * Serves `handler` on 127.0.0.1 with a free port.
 *
 * @param handler The fetch handler.
 * @returns The running server.
 */
export function serveForTest(handler: FetchHandler): TestHttpServer {
  const requests: string[] = [];
  const recording: FetchHandler = (req) => {
    requests.push(`${req.method} ${new URL(req.url).pathname}`);
    return handler(req);
  };
  const runtime = currentRuntime();
  if (runtime === "deno") {
    const deno = (globalThis as unknown as { Deno: DenoApi }).Deno;
    const s = deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, recording);
    return {
      url: `http://127.0.0.1:${s.addr.port}`,
      runtime,
      requests,
      close: () => s.shutdown(),
    };
  }
  if (runtime === "bun") {
    const bun = (globalThis as unknown as { Bun: BunApi }).Bun;
    const s = bun.serve({ hostname: "127.0.0.1", port: 0, fetch: recording });
    return {
      url: `http://127.0.0.1:${s.port}`,
      runtime,
      requests,
      close: async () => {
        await s.stop(true);
      },
    };
  }
  throw new Error("serveForTest needs Deno or Bun");
}
