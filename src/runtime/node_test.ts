import { serveSuite } from "./_test_util.ts";

// node:net also exists in Deno and Bun, so this suite runs under every test runner.
serveSuite("node", async () => (await import("./node.ts")).serve, false);
