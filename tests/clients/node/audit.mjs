// graphql-http's server audit: the checks behind the public GraphQL-over-HTTP compliance
// table, run against /graphql. Reports every result; a failure carries what the server said.
import { auditServer } from 'graphql-http';
import { HTTP_URL, main, report } from './lib.mjs';

async function answer(response) {
  if (!response) return null;
  let body;
  try {
    body = await response.clone().text();
  } catch (error) {
    body = `(body already read: ${error.message})`;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: body.slice(0, 500),
  };
}

await main(async () => {
  const results = await auditServer({ url: HTTP_URL });
  const audits = [];
  for (const result of results) {
    const { id, name, status } = result;
    audits.push(
      status === 'ok'
        ? { id, name, status }
        : { id, name, status, reason: result.reason, response: await answer(result.response) },
    );
  }
  report('audits', { audits });
});
