import { test } from "node:test";
import assert from "node:assert/strict";
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import { connectTcp } from "./tcp.ts";

function listen(): Promise<{ net: NetServer; port: number }> {
  const net = createNetServer((socket) => {
    socket.on("error", () => {});
    socket.write("+PONG\r\n");
  });
  return new Promise((resolve) => {
    net.listen(0, "127.0.0.1", () => {
      const address = net.address();
      resolve({ net, port: typeof address === "object" && address !== null ? address.port : 0 });
    });
  });
}

test("connectTcp fails the connection with an exception thrown by the data handler", async () => {
  const { net, port } = await listen();
  try {
    const failure = new Error("injected decoder bug");
    const closed = new Promise<Error | undefined>((resolve) => {
      void connectTcp({ host: "127.0.0.1", port, timeoutMs: 5000 }, {
        data: () => {
          throw failure;
        },
        closed: resolve,
      });
    });
    // Without the catch, the exception would escape a node:net callback and end the process.
    assert.equal(await closed, failure);
  } finally {
    await new Promise((resolve) => net.close(resolve));
  }
});
