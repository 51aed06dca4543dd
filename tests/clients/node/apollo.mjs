// Apollo Client over HTTP on its defaults (HttpLink, InMemoryCache): a query with
// variables and a named fragment, errors with their `extensions.code` (a field error, and
// a request error the server refuses before executing), mutations with and without a
// Bearer token, and a subscription, which HttpLink sends as a multipart subscription
// (`Accept: multipart/mixed;boundary=graphql;subscriptionSpec=1.0,...`).
import {
  ApolloClient,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  gql,
} from '@apollo/client';
import { HTTP_URL, Inbox, TOKEN, describe, main, report, serverFollows } from './lib.mjs';

function client(headers = {}, fetchOptions = {}) {
  return new ApolloClient({
    link: new HttpLink({ uri: HTTP_URL, headers, fetchOptions }),
    cache: new InMemoryCache(),
  });
}

/** What Apollo hands the application for a refused operation. */
function refusal(error) {
  if (CombinedGraphQLErrors.is(error)) {
    return { kind: 'CombinedGraphQLErrors', errors: error.errors, data: error.data ?? null };
  }
  return { kind: 'other', error: describe(error) };
}

async function attempt(operation) {
  try {
    return { result: await operation() };
  } catch (error) {
    return { refused: refusal(error) };
  }
}

await main(async () => {
  const anonymous = client();
  report(
    'query',
    await attempt(() =>
      anonymous.query({
        query: gql`
          query Package($slug: String!, $first: Int!) {
            package(slug: $slug) { ...PackageCard }
            packages(first: $first) { edges { node { slug } } }
          }
          fragment PackageCard on Package { id databaseId title repoWatchers }
        `,
        variables: { slug: 'package-2', first: 2 },
      }),
    ),
  );
  report(
    'field-error',
    await attempt(() =>
      anonymous.query({
        query: gql`
          query Both($id: Int!, $slug: String!) { package(id: $id, slug: $slug) { title } }
        `,
        variables: { id: 1, slug: 'package-1' },
      }),
    ),
  );
  report(
    'request-error',
    await attempt(() =>
      anonymous.query({ query: gql`query Unknown { package(id: 1) { noSuchField } }` }),
    ),
  );

  const UPDATE = gql`
    mutation Rename($id: ID!, $v: Int!, $title: String!) {
      updatePackage(id: $id, expectedVersion: $v, input: { title: $title }) {
        id version title
      }
    }
  `;
  const variables = { id: Buffer.from('Package:3').toString('base64'), v: 1, title: 'via Apollo' };
  report('mutation-without-token', await attempt(() => anonymous.mutate({ mutation: UPDATE, variables })));
  const inbox = new Inbox();
  const subscription = anonymous
    .subscribe({
      query: gql`
        subscription Watch($ids: [Int!]) { packageChanged(ids: $ids) { id title version } }
      `,
      variables: { ids: [3] },
    })
    .subscribe({
      next: (result) => inbox.push({ next: result }),
      error: (error) => inbox.push({ error: refusal(error) }),
    });
  await serverFollows(1);
  const editor = client({ authorization: `Bearer ${TOKEN}` });
  report('mutation', await attempt(() => editor.mutate({ mutation: UPDATE, variables })));
  report('changed', await inbox.next('the change the mutation made'));
  subscription.unsubscribe();
  // A request the server refuses before GraphQL runs (a mutation over GET): Apollo must
  // still be handed a GraphQL error with its code, not a body it cannot parse.
  const overGet = client({ authorization: `Bearer ${TOKEN}` }, { method: 'GET' });
  report('mutation-over-get', await attempt(() => overGet.mutate({ mutation: UPDATE, variables })));
});
