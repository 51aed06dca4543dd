// What every client script shares: its settings from the environment, one JSON line per
// step on stdout (read by tests/clients/test_node_clients.py), and commands from stdin.
import { createInterface } from 'node:readline';

export const HTTP_URL = required('DPGRAPH_HTTP_URL'); // http://127.0.0.1:PORT/graphql
export const WS_URL = HTTP_URL.replace(/^http/, 'ws');
export const TOKEN = process.env.DPGRAPH_TOKEN ?? '';

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set`);
  }
  return value;
}

/** Tell the test what happened: one JSON object per line. */
export function report(step, data = {}) {
  process.stdout.write(`${JSON.stringify({ step, ...data })}\n`);
}

const lines = createInterface({ input: process.stdin });
const waiting = [];
const unread = [];
lines.on('line', (line) => {
  const next = waiting.shift();
  if (next) next(line.trim());
  else unread.push(line.trim());
});

/** The test's next command (a line on stdin), when the script must wait for the server. */
export function command() {
  if (unread.length) return Promise.resolve(unread.shift());
  return new Promise((resolve) => waiting.push(resolve));
}

/** A GraphQL request with plain fetch, as any HTTP client would send it. */
export async function post(query, variables = {}, token = TOKEN) {
  const headers = { 'content-type': 'application/json', accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(HTTP_URL, {
    method: 'POST',
    headers,
    body: JSON.stringify({ query, variables }),
  });
  return response.json();
}

/** A promise that settles with `promise`, or rejects naming `what` after `ms`. */
export function within(ms, what, promise) {
  let timer;
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms: ${what}`)), ms);
  });
  return Promise.race([promise, deadline]).finally(() => clearTimeout(timer));
}

/** Values pushed by a callback, awaited one at a time. */
export class Inbox {
  constructor() {
    this.items = [];
    this.waiters = [];
  }

  push(item) {
    const waiter = this.waiters.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(what, ms = 10_000) {
    if (this.items.length) return Promise.resolve(this.items.shift());
    return within(ms, what, new Promise((resolve) => this.waiters.push(resolve)));
  }
}

/** Run the script's body; report a failure with its stack, and exit with its status. */
export async function main(body) {
  try {
    await body();
    report('done');
    process.exit(0);
  } catch (error) {
    report('failed', { error: describe(error) });
    process.exit(1);
  }
}

/** Errors, close events and GraphQL error lists as plain JSON. */
export function describe(error) {
  if (error instanceof Error) {
    return {
      name: error.name,
      message: error.message,
      stack: error.stack,
      ...(error.errors ? { errors: error.errors } : {}),
      ...(error.result ? { result: error.result } : {}),
      ...(error.bodyText !== undefined ? { bodyText: error.bodyText } : {}),
      ...(error.statusCode !== undefined ? { statusCode: error.statusCode } : {}),
    };
  }
  if (Array.isArray(error)) return { errors: error };
  if (error && typeof error === 'object' && 'code' in error) {
    return { closeCode: error.code, closeReason: error.reason, wasClean: error.wasClean };
  }
  return { value: String(error) };
}

/**
 * Wait until the server follows `count` subscriptions. A subscription protocol has no
 * acknowledgement for `subscribe`, and a change made before the server has registered the
 * subscription is rightly never sent: the test watches the server's hub and says "go".
 */
export async function serverFollows(count) {
  report('waiting-for-subscriptions', { count });
  const said = await command();
  if (said !== 'go') throw new Error(`unexpected command ${said}`);
}
