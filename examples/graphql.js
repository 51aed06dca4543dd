// A GraphQL client in plain browser JavaScript: no build step, no dependencies.
//
//   query(document, variables)                 -> Promise of `data`, throws on errors
//   subscribe(document, variables, handlers)   -> a function that stops the subscription
//
// Queries are a JSON POST. Subscriptions speak graphql-transport-ws over one WebSocket,
// the protocol of GraphiQL, Apollo Client, urql and Relay (through the `graphql-ws`
// package). That is why this example uses it rather than Server-Sent Events (which the
// server also offers): when your app grows, swap this small client for `graphql-ws` and
// nothing else changes. Every message is a JSON text frame:
//
//   client -> server   connection_init, subscribe {id, payload}, complete {id}, pong
//   server -> client   connection_ack, next {id, payload}, error {id, payload},
//                      complete {id}, ping (every KEEPALIVE_SECONDS; answer with pong)

// Same origin as this page. Serving the page elsewhere? Point this at the API; the
// server allows cross-origin calls (CORS_ALLOW_ORIGINS).
export const HTTP_URL = new URL("/graphql", window.location.href).href;
export const WS_URL = HTTP_URL.replace(/^http/, "ws");

/** The `errors` of a GraphQL answer; `code` is the first error's extensions.code. */
export class GraphQLError extends Error {
  constructor(errors) {
    super(errors.map((error) => error.message).join("; "));
    this.errors = errors;
    this.code = errors[0]?.extensions?.code;
  }
}

export async function query(document, variables = {}) {
  const response = await fetch(HTTP_URL, {
    method: "POST",
    headers: { "Content-Type": "application/json", Accept: "application/json" },
    body: JSON.stringify({ query: document, variables }),
  });
  let body;
  try {
    body = await response.json(); // GraphQL errors come as JSON, whatever the status
  } catch {
    throw new Error(`The API answered HTTP ${response.status}`);
  }
  if (body.errors?.length) throw new GraphQLError(body.errors);
  return body.data;
}

// --- Subscriptions: graphql-transport-ws ---------------------------------------------

let current = null; // the open connection: {socket, ready, operations}
let lastId = 0;

function send(socket, message) {
  socket.send(JSON.stringify(message));
}

/** The shared connection, opened on first use; `ready` resolves once acknowledged. */
function connection() {
  if (current) return current;
  const socket = new WebSocket(WS_URL, "graphql-transport-ws");
  const operations = new Map(); // id -> {next, error}
  const ready = new Promise((resolve, reject) => {
    // A token would go in this payload: {authorization: "Bearer ..."}. Reads need none.
    socket.addEventListener("open", () => send(socket, { type: "connection_init", payload: {} }));
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      const handlers = operations.get(message.id);
      switch (message.type) {
        case "connection_ack":
          resolve(socket);
          break;
        case "ping":
          send(socket, { type: "pong" });
          break;
        case "next":
          handlers?.next(message.payload); // {data, extensions: {eventId}}
          break;
        case "error": // the subscription was refused: payload is a list of errors
          operations.delete(message.id);
          handlers?.error(new GraphQLError(message.payload));
          break;
        case "complete":
          operations.delete(message.id);
          break;
      }
    });
    socket.addEventListener("close", (event) => {
      if (current?.socket === socket) current = null;
      const error = new Error(`connection closed (${event.code} ${event.reason})`.trim());
      reject(error); // ignored once acknowledged
      const dropped = [...operations.values()];
      operations.clear();
      for (const handlers of dropped) handlers.error(error);
    });
  });
  ready.catch(() => {}); // failures reach the handlers through the close listener
  current = { socket, ready, operations };
  return current;
}

/**
 * Start a subscription: `handlers.next(payload)` runs for every result, and
 * `handlers.error(error)` once if it is refused or the connection drops.
 * Returns `stop()`, which ends it (and closes the connection when it was the last).
 */
export function subscribe(document, variables, handlers) {
  const id = String(++lastId);
  const conn = connection();
  conn.operations.set(id, handlers);
  conn.ready.then((socket) => {
    if (conn.operations.has(id)) {
      send(socket, { id, type: "subscribe", payload: { query: document, variables } });
    }
  }, () => {});
  return function stop() {
    if (!conn.operations.delete(id)) return;
    conn.ready.then((socket) => {
      send(socket, { id, type: "complete" });
      if (conn.operations.size === 0) {
        // Nothing left to follow: close, so an idle tab holds no server connection.
        if (current === conn) current = null;
        socket.close(1000, "done");
      }
    }, () => {});
  };
}
