import { serveSuite } from "./_test_util.ts";

serveSuite(
  "bun",
  async () => (await import("./bun.ts")).serve,
  "Bun" in globalThis ? false : "needs the Bun runtime (Bun.listen)",
);
