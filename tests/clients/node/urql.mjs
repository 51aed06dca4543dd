// urql (@urql/core) on its defaults, with its document cache and with Graphcache: the
// only options set are the URL, the exchanges its docs list (the cache, then fetch) and
// `fetchSubscriptions: true` for subscriptions over Server-Sent Events. Queries go as GET
// with urql's Accept (JSON types first, then text/event-stream and multipart/mixed);
// each client runs a query with named fragments and variables, a subscription, and a
// mutation with a token (per operation, as urql's docs pass headers).
import { Client, cacheExchange, fetchExchange, gql } from '@urql/core';
import { cacheExchange as graphcacheExchange } from '@urql/exchange-graphcache';
import { HTTP_URL, Inbox, TOKEN, describe, main, report, serverFollows } from './lib.mjs';

// Every request urql sends, and the media type of each answer (fetch itself is unchanged).
const sent = [];
const plainFetch = globalThis.fetch;
globalThis.fetch = async (url, init = {}) => {
  const operation =
    new URL(url).searchParams.get('operationName') ??
    (typeof init.body === 'string' ? JSON.parse(init.body).operationName : null);
  const response = await plainFetch(url, init);
  sent.push({
    operation,
    method: init.method ?? 'GET',
    accept: init.headers?.accept ?? null,
    answer: response.headers.get('content-type'),
    status: response.status,
  });
  return response;
};

const PACKAGE_CARD = gql`
  fragment PackageCard on Package {
    id
    databaseId
    title
    repoWatchers
  }
`;
const PAGE = gql`
  query PackagePage($slug: String!, $first: Int!) {
    package(slug: $slug) {
      __typename
      ...PackageCard
      grids {
        ...GridLink
      }
    }
    packages(first: $first) {
      nodes {
        ...PackageCard
      }
    }
  }
  fragment GridLink on Grid {
    id
    slug
    title
  }
  ${PACKAGE_CARD}
`;
const RENAME = gql`
  mutation Rename($id: ID!, $version: Int!, $title: String!) {
    updatePackage(id: $id, expectedVersion: $version, input: { title: $title }) {
      version
      ...PackageCard
    }
  }
  ${PACKAGE_CARD}
`;
const WATCH = gql`
  subscription Watch($ids: [Int!]) {
    packageChanged(ids: $ids) {
      ...PackageCard
    }
  }
  ${PACKAGE_CARD}
`;

/** What urql hands the application: data, or its CombinedError. */
function outcome(result) {
  if (result.error) {
    return {
      error: {
        message: result.error.message,
        networkError: result.error.networkError ? describe(result.error.networkError) : null,
        graphQLErrors: result.error.graphQLErrors.map((e) => ({ message: e.message, extensions: e.extensions })),
      },
    };
  }
  return { data: result.data };
}

await main(async () => {
  const caches = [
    ['document-cache', cacheExchange, 1],
    ['graphcache', graphcacheExchange(), 2],
  ];
  const subscriptions = [];
  for (const [name, cache, databaseId] of caches) {
    const client = new Client({
      url: HTTP_URL,
      exchanges: [cache, fetchExchange],
      fetchSubscriptions: true,
    });
    const slug = `package-${databaseId}`;
    sent.length = 0;
    const page = await client.query(PAGE, { slug, first: 2 }).toPromise();
    report(`${name}:query`, outcome(page));

    const inbox = new Inbox();
    subscriptions.push(
      client.subscription(WATCH, { ids: [databaseId] }).subscribe((result) => inbox.push(outcome(result))),
    );
    await serverFollows(subscriptions.length);

    const renamed = await client
      .mutation(
        RENAME,
        { id: page.data.package.id, version: 1, title: `via urql ${name}` },
        { fetchOptions: { headers: { authorization: `Bearer ${TOKEN}` } } },
      )
      .toPromise();
    report(`${name}:mutation`, outcome(renamed));
    report(`${name}:changed`, await inbox.next('the change the mutation made'));

    const again = await client.query(PAGE, { slug, first: 2 }).toPromise();
    report(`${name}:query-again`, outcome(again));
    report(`${name}:requests`, { sent: [...sent] });
  }
  for (const subscription of subscriptions) subscription.unsubscribe();
});
