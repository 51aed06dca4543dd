// Apollo Client over HTTP: a query with variables, errors with their `extensions.code`
// (a field error, and a request error the server refuses before executing), and mutations
// with and without a Bearer token.
import {
  ApolloClient,
  CombinedGraphQLErrors,
  HttpLink,
  InMemoryCache,
  gql,
} from '@apollo/client';
import { HTTP_URL, TOKEN, describe, main, report } from './lib.mjs';

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
            package(slug: $slug) { id databaseId title repoWatchers }
            packages(first: $first) { edges { node { slug } } }
          }
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
  const editor = client({ authorization: `Bearer ${TOKEN}` });
  report('mutation', await attempt(() => editor.mutate({ mutation: UPDATE, variables })));
  // A request the server refuses before GraphQL runs (a mutation over GET): Apollo must
  // still be handed a GraphQL error with its code, not a body it cannot parse.
  const overGet = client({ authorization: `Bearer ${TOKEN}` }, { method: 'GET' });
  report('mutation-over-get', await attempt(() => overGet.mutate({ mutation: UPDATE, variables })));
});
