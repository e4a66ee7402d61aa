import { serveSuite } from "./_test_util.ts";

serveSuite(
  "deno",
  async () => (await import("./deno.ts")).serve,
  "Deno" in globalThis ? false : "needs the Deno runtime (Deno.listen)",
);
