// One client process of bench_subscriptions.py's own-packages scenario, in Node with `ws`
// (`--node-clients`): the same protocol and report as the Python client process, for a
// fraction of its CPU, so that 10,000 subscribers do not saturate the cores the server
// is measured on.
//
//   node scripts/own_subscribers.mjs WS_URL QUERY < stdin
//
// stdin: a first line with the subscribers ([[slugs, token], ...]), then, once "ready" is
// printed, how many pushes to wait for (empty: one per watched package) until it closes.
// stdout: "ready", then one JSON line {latencies, pushes, received, errors}.
import { createRequire } from "node:module";
import { createInterface } from "node:readline";

const require = createRequire(new URL("../tests/clients/node/package.json", import.meta.url));
const WebSocket = require("ws");

const [wsUrl, query] = process.argv.slice(2);
const WAVE = 250;
const WAIT_MS = 30_000;

const lines = createInterface({ input: process.stdin });
const input = lines[Symbol.asyncIterator]();
const watched = JSON.parse((await input.next()).value);

const pushes = [];
let received = 0;
let errors = 0;
const sockets = [];

function subscribe([slugs, token]) {
  return new Promise((ready, failed) => {
    const ws = new WebSocket(wsUrl, "graphql-transport-ws", { perMessageDeflate: false });
    sockets.push(ws);
    ws.on("error", failed);
    ws.on("open", () => {
      ws.send(JSON.stringify({ type: "connection_init", payload: token ? { token } : {} }));
    });
    ws.on("message", (raw) => {
      const message = JSON.parse(raw);
      const kind = message.type;
      if (kind === "connection_ack") {
        const payload = { query, variables: { s: slugs } };
        ws.send(JSON.stringify({ id: "1", type: "subscribe", payload }));
        ready();
      } else if (kind === "ping") {
        ws.send('{"type":"pong"}');
      } else if (kind === "next" && message.payload.data) {
        const changed = message.payload.data.packageChanged;
        pushes.push([changed.slug, changed.repoWatchers, Date.now() / 1000]);
        received += 1;
      } else if (kind === "next" || kind === "error" || kind === "complete") {
        errors += 1;
      }
    });
  });
}

for (let start = 0; start < watched.length; start += WAVE) {
  await Promise.all(watched.slice(start, start + WAVE).map(subscribe));
}
process.stdout.write("ready\n");

let told = "";
for await (const line of { [Symbol.asyncIterator]: () => input }) told += line;
const expected = told.trim()
  ? Number.parseInt(told, 10)
  : watched.reduce((sum, [slugs]) => sum + slugs.length, 0);
const deadline = Date.now() + WAIT_MS;
while (received < expected && Date.now() < deadline) {
  await new Promise((resolve) => setTimeout(resolve, 100));
}
for (const ws of sockets) ws.terminate();
const latencies = pushes.map(([, , arrival]) => arrival);
// A pipe's writes are asynchronous in Node: exit once the report has been handed over.
process.stdout.write(`${JSON.stringify({ latencies, pushes, received, errors })}\n`, () =>
  process.exit(0),
);
