// graphql-ws (the graphql-transport-ws client): a token in connection_init, a mutation sent
// over the socket, the change it makes pushed to a subscription, `complete`, and a reconnect
// after a server restart that resubscribes with the last `extensions.eventId` received.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  Inbox,
  TOKEN,
  WS_URL,
  command,
  describe,
  main,
  post,
  report,
  serverFollows,
} from './lib.mjs';

const PACKAGE_1 = Buffer.from('Package:1').toString('base64');
const WATCH = `subscription ($after: String) {
  packageChanged(ids: [1], lastEventId: $after) { title repoWatchers }
}`;
const OTHER = 'subscription { packageChanged(ids: [2]) { title } }';
const RENAME = `mutation ($id: ID!, $v: Int!, $t: String!) {
  updatePackage(id: $id, expectedVersion: $v, input: {title: $t}) { version title }
}`;

/** A subscription's results, errors and completion, in order. */
function follow(client, payload, onResult = () => {}) {
  const inbox = new Inbox();
  const dispose = client.subscribe(payload, {
    next: (result) => {
      onResult(result);
      inbox.push({ next: result });
    },
    error: (error) => inbox.push({ error: describe(error) }),
    complete: () => inbox.push({ complete: true }),
  });
  return { inbox, dispose };
}

/** A query or mutation over the socket: its one result. */
function request(client, payload) {
  return new Promise((resolve, reject) => {
    let result;
    client.subscribe(payload, {
      next: (value) => (result = value),
      error: (error) => reject(error),
      complete: () => resolve(result),
    });
  });
}

await main(async () => {
  // A token the server does not know: the connection is closed with 4403.
  const refused = createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: 'Bearer dpg_not-a-token' },
    retryAttempts: 0,
  });
  const refusal = await follow(refused, { query: '{ __typename }' }).inbox.next('the refusal');
  report('bad-token', refusal);
  await refused.dispose();

  const closes = [];
  const errors = [];
  let connections = 0;
  const watch = { query: WATCH, variables: { after: null } };
  const client = createClient({
    url: WS_URL,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${TOKEN}` },
    retryAttempts: 1,
    shouldRetry: () => true,
    // Instead of a timed back-off: wait until the test has the server back, then make a
    // change this client misses, then let graphql-ws reconnect and resubscribe.
    retryWait: async (retries) => {
      report('disconnected', { retries, close: closes.at(-1), errors });
      const said = await command();
      if (said !== 'restarted') throw new Error(`unexpected command ${said}`);
      const missed = await post(RENAME, { id: PACKAGE_1, v: 2, t: 'missed while away' });
      report('missed-change', { result: missed, resumingAfter: watch.variables.after });
    },
    on: {
      connected: () => (connections += 1),
      closed: (event) => closes.push({ code: event.code, reason: event.reason }),
      error: (error) => errors.push(describe(error)),
    },
  });

  // What a resuming client keeps: the last event id. graphql-ws sends this same payload
  // again when it resubscribes after a reconnect, so the resubscribe carries it.
  const watched = follow(client, watch, (result) => {
    const eventId = result.extensions?.eventId;
    if (eventId) watch.variables.after = eventId;
  });
  const watchedInbox = watched.inbox;
  const other = follow(client, { query: OTHER });
  await serverFollows(2);
  other.dispose(); // sends `complete` for that operation; the socket stays open
  report('other-completed', await other.inbox.next('the local completion'));
  await serverFollows(1);

  const mutation = await request(client, {
    query: RENAME,
    variables: { id: PACKAGE_1, v: 1, t: 'via graphql-ws' },
  });
  report('mutated', { result: mutation });
  report('changed', await watchedInbox.next('the change the mutation made'));

  report('ready-for-restart', { lastEventId: watch.variables.after });
  const resumed = await watchedInbox.next(
    `an answer to the resubscribe with lastEventId ${watch.variables.after} after the restart ` +
      '(the missed change, or EVENTS_EXPIRED): nothing came',
    10_000,
  );
  report('resumed', { ...resumed, connections, closes });

  let following = watched;
  if (resumed.next?.errors) {
    report('resume-ended', await watchedInbox.next('the end of the expired subscription'));
    // The documented way on: refetch with a query, then subscribe afresh.
    const refetched = await request(client, { query: 'query { package(id: 1) { title } }' });
    report('refetched', { result: refetched });
    following = follow(client, { query: WATCH, variables: { after: null } });
    await serverFollows(1);
  }
  const live = await request(client, {
    query: RENAME,
    variables: { id: PACKAGE_1, v: 3, t: 'live again' },
  });
  report('mutated-again', { result: live });
  report('live-again', await following.inbox.next('a change after resuming'));
  following.dispose();
  await client.dispose();
});
