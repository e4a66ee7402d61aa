/**
 * Starts a real 3-primary `redis-server` cluster on 127.0.0.1 for the client's cluster tests:
 * three cluster-enabled servers on free ports (each with its own temporary directory for
 * nodes.conf), joined with `redis-cli --cluster create … --cluster-yes`, then polled until every
 * node reports `cluster_state:ok`. `stop()` stops the three servers by pid and removes their
 * directories. Test-only (node:child_process, node:fs).
 *
 * @module
 */

import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findRedisServer, type RedisServerHandle, startRedisServer } from "./redis_server.ts";
import { RespClient } from "./resp_client.ts";

/** A running cluster. */
export interface RedisClusterHandle {
  /** The primaries, in the order they were created. */
  readonly nodes: readonly RedisServerHandle[];
  /** `host:port` of each node. */
  readonly addresses: readonly string[];
  /** Stops every node and removes their directories. */
  stop(): Promise<void>;
}

/** Where redis-cli is: beside redis-server, else on PATH. */
export function findRedisCli(): string | undefined {
  const server = findRedisServer();
  if (server !== undefined) {
    const beside = join(dirname(server), "redis-cli");
    if (existsSync(beside)) return beside;
  }
  for (const dir of ["/usr/bin", "/usr/local/bin"]) {
    if (existsSync(join(dir, "redis-cli"))) return join(dir, "redis-cli");
  }
  return undefined;
}

/**
 * Starts a cluster of `size` primaries (no replicas) and waits until it is usable.
 *
 * @param size Number of primaries (3 by default; redis-cli needs at least 3).
 * @param timeoutMs Overall limit for the cluster to become ok (default 30 s).
 * @returns The running cluster.
 */
export async function startRedisCluster(size = 3, timeoutMs = 30_000): Promise<RedisClusterHandle> {
  const cli = findRedisCli();
  if (cli === undefined) throw new Error("redis-cli not found (install redis-tools)");
  const deadline = Date.now() + timeoutMs;
  const dirs: string[] = [];
  const nodes: RedisServerHandle[] = [];
  const stop = async () => {
    await Promise.allSettled(nodes.map((n) => n.stop()));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < size; i++) {
      const dir = mkdtempSync(join(tmpdir(), "evalkit-cluster-"));
      dirs.push(dir);
      nodes.push(
        await startRedisServer({
          args: [
            "--cluster-enabled",
            "yes",
            "--cluster-config-file",
            "nodes.conf",
            "--cluster-node-timeout",
            "5000",
            "--dir",
            dir,
          ],
        }),
      );
    }
    const addresses = nodes.map((n) => `${n.host}:${n.port}`);
    await run(cli, ["--cluster", "create", ...addresses, "--cluster-yes"], deadline - Date.now());
    await waitClusterOk(nodes, deadline);
    return { nodes, addresses, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Polls CLUSTER INFO on every node until each says `cluster_state:ok` and knows every node. */
async function waitClusterOk(nodes: readonly RedisServerHandle[], deadline: number): Promise<void> {
  const clients = await Promise.all(nodes.map((n) => RespClient.connect(n.port, n.host)));
  try {
    for (;;) {
      const infos = await Promise.all(clients.map((c) => c.send(["CLUSTER", "INFO"])));
      const ok = infos.every((r) =>
        r.type === "bulk" || r.type === "verbatim"
          ? r.value.includes("cluster_state:ok") &&
            r.value.includes(`cluster_known_nodes:${nodes.length}`)
          : false
      );
      if (ok) return;
      if (Date.now() > deadline) throw new Error("the cluster did not reach cluster_state:ok");
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    await Promise.all(clients.map((c) => c.close()));
  }
}

function run(cmd: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), Math.max(timeoutMs, 1000));
    const collect = (chunk: Uint8Array) => out += new TextDecoder().decode(chunk);
    child.stdout!.on("data", collect);
    child.stderr!.on("data", collect);
    child.once("error", (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.join(" ")} failed (${signal ?? code}):\n${out}`));
    });
  });
}
