// Apollo Client's persisted-query link: the first request sends only the hash, the
// server answers PERSISTED_QUERY_NOT_FOUND, the link sends the text with it; a second
// client then gets its answer from the hash alone, over GET when asked to.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { createHash } from 'node:crypto';
import { HTTP_URL, describe, main, report } from './lib.mjs';

const sent = [];

async function recordingFetch(uri, options) {
  const url = new URL(String(uri));
  const body = options.body ? JSON.parse(options.body) : null;
  sent.push({
    method: options.method ?? 'GET',
    withText: Boolean(body ? body.query : url.searchParams.get('query')),
    withHash: (body ? JSON.stringify(body.extensions ?? {}) : url.searchParams.get('extensions') ?? '').includes('sha256Hash'),
  });
  return fetch(uri, options);
}

function client(useGETForHashedQueries) {
  const sha256 = (text) => createHash('sha256').update(text).digest('hex');
  return new ApolloClient({
    link: new PersistedQueryLink({ sha256, useGETForHashedQueries }).concat(
      new HttpLink({ uri: HTTP_URL, fetch: recordingFetch }),
    ),
    cache: new InMemoryCache(),
  });
}

const QUERY = gql`
  query Packages($first: Int!) { packages(first: $first) { nodes { slug } } }
`;

await main(async () => {
  try {
    const first = await client(false).query({ query: QUERY, variables: { first: 2 } });
    report('first', { data: first.data, sent: sent.splice(0) });
    const second = await client(true).query({ query: QUERY, variables: { first: 2 } });
    report('second', { data: second.data, sent: sent.splice(0) });
  } catch (error) {
    report('failed', { error: describe(error) });
  }
});
