// graphql-sse (distinct connections mode, the one the server speaks): subscribe over
// Server-Sent Events and receive the change a mutation makes.
import { createClient } from 'graphql-sse';
import { HTTP_URL, Inbox, describe, main, post, report, serverFollows } from './lib.mjs';

const PACKAGE_1 = Buffer.from('Package:1').toString('base64');

await main(async () => {
  const client = createClient({ url: HTTP_URL, retryAttempts: 0 });
  const inbox = new Inbox();
  const dispose = client.subscribe(
    { query: 'subscription { packageChanged(ids: [1]) { title repoWatchers } }' },
    {
      next: (result) => inbox.push({ next: result }),
      error: (error) => inbox.push({ error: describe(error) }),
      complete: () => inbox.push({ complete: true }),
    },
  );
  await serverFollows(1);
  const mutation = await post(
    `mutation ($id: ID!) {
      updatePackage(id: $id, expectedVersion: 1, input: {title: "via graphql-sse"}) { version }
    }`,
    { id: PACKAGE_1 },
  );
  report('mutated', { result: mutation });
  report('changed', await inbox.next('the change the mutation made'));
  dispose();
  client.dispose();
});
