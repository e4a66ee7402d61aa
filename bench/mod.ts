/**
 * Runs every bench in this folder, one after the other, and prints their figures (Markdown tables
 * that can be pasted into the README's "Measured figures"). Nothing is asserted.
 *
 * Run: `deno task bench` or `bun run bench`.
 *
 * @module
 */

import process from "node:process";
import { runtimeName } from "./_util.ts";
import * as commands from "./commands_bench.ts";
import * as scripting from "./eval_bench.ts";
import * as zsets from "./zset_bench.ts";
import * as http from "./http_bench.ts";

const BENCHES: readonly { readonly name: string; readonly main: () => Promise<void> }[] = [
  { name: "commands", main: commands.main },
  { name: "eval", main: scripting.main },
  { name: "zsets", main: zsets.main },
  { name: "http", main: http.main },
];

console.log(
  `# evalkit benchmarks (${runtimeName()}, ${process.platform}/${process.arch})`,
);
for (const bench of BENCHES) {
  console.log(`\n---- ${bench.name} ----`);
  await bench.main();
}
