// The Relay runtime as Relay's docs set it up: an Environment whose Network fetches with a
// plain `fetch` (https://relay.dev/docs/guides/network-layer/) and subscribes through
// graphql-ws (https://relay.dev/docs/guided-tour/updating-data/graphql-subscriptions/),
// running the documents relay-compiler wrote from relay/PackagePage.js: a query with
// named fragments on an object and a union (`__typename`, `__isNode`, `id`), a mutation
// with a token, and a subscription. Fragment data is read from the store as Relay's hooks
// do (a selector over the normalized records).
import {
  Environment,
  Network,
  Observable,
  RecordSource,
  Store,
  commitMutation,
  fetchQuery,
  getSelector,
  requestSubscription,
} from 'relay-runtime';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import PackagePageQuery from './relay/__generated__/PackagePageQuery.graphql.js';
import PackagePageRenameMutation from './relay/__generated__/PackagePageRenameMutation.graphql.js';
import PackagePageWatchSubscription from './relay/__generated__/PackagePageWatchSubscription.graphql.js';
import PackagePageGrid from './relay/__generated__/PackagePage_grid.graphql.js';
import PackagePagePackage from './relay/__generated__/PackagePage_package.graphql.js';
import PackagePageResult from './relay/__generated__/PackagePage_result.graphql.js';
import { HTTP_URL, Inbox, TOKEN, WS_URL, describe, main, report, serverFollows } from './lib.mjs';

function environment(token) {
  function fetchFunction(operation, variables) {
    const headers = { 'Content-Type': 'application/json' };
    if (token) headers.Authorization = `Bearer ${token}`;
    return fetch(HTTP_URL, {
      method: 'POST',
      headers,
      body: JSON.stringify({ query: operation.text, variables }),
    }).then((response) => response.json());
  }
  const wsClient = createClient({ url: WS_URL, webSocketImpl: WebSocket, retryAttempts: 0 });
  function subscribeFunction(operation, variables) {
    return Observable.create((sink) =>
      wsClient.subscribe({ operationName: operation.name, query: operation.text, variables }, sink),
    );
  }
  const env = new Environment({
    network: Network.create(fetchFunction, subscribeFunction),
    store: new Store(new RecordSource()),
  });
  return { env, wsClient };
}

/** A fragment's data for a fragment reference, from the store. */
function read(env, fragment, reference) {
  return env.lookup(getSelector(fragment, reference)).data;
}

await main(async () => {
  const { env, wsClient } = environment(TOKEN);
  const data = await fetchQuery(env, PackagePageQuery, {
    slug: 'package-2',
    first: 2,
    search: 'package',
  }).toPromise();
  report('query', {
    operationText: PackagePageQuery.params.text,
    package: read(env, PackagePagePackage, data.package),
    grids: data.package.grids.map((grid) => read(env, PackagePageGrid, grid)),
    packages: data.packages.nodes,
    search: data.search.map((result) => read(env, PackagePageResult, result)),
  });

  const inbox = new Inbox();
  const subscription = requestSubscription(env, {
    subscription: PackagePageWatchSubscription,
    variables: { ids: [1] },
    onNext: (response) => inbox.push({ next: read(env, PackagePagePackage, response.packageChanged) }),
    onError: (error) => inbox.push({ error: describe(error) }),
  });
  await serverFollows(1);

  const mutated = await new Promise((resolve, reject) => {
    commitMutation(env, {
      mutation: PackagePageRenameMutation,
      variables: { id: Buffer.from('Package:1').toString('base64'), version: 1, title: 'via Relay' },
      onCompleted: (response, errors) => resolve({ response, errors: errors ?? null }),
      onError: reject,
    });
  });
  report('mutation', {
    version: mutated.response.updatePackage.version,
    package: read(env, PackagePagePackage, mutated.response.updatePackage),
    errors: mutated.errors,
  });
  report('changed', await inbox.next('the change the mutation made'));
  subscription.dispose();
  await wsClient.dispose();
});
