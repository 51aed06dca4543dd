// Writes tests/fastpath/corpus/: each document exactly as a client sends it, captured from
// the client itself (its fetch replaced by one that records the request), with its
// operation name and variables. tests/fastpath/test_corpus.py runs them.
//
//     cd tests/clients/node && node corpus.mjs [DIRECTORY]   (default: tests/fastpath/corpus)
//
// apollo: ApolloClient (HttpLink, InMemoryCache); urql: @urql/core with its document
// cache; graphcache: @urql/core with @urql/exchange-graphcache; relay: relay-compiler's
// operation text (corpus/relay, plus relay/ of the client tests); codegen: the client
// preset's string documents; app: the queries of examples/app.js.
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { Client, cacheExchange, fetchExchange } from '@urql/core';
import { cacheExchange as graphcacheExchange } from '@urql/exchange-graphcache';
import { parse, print } from 'graphql';

import * as apollo from './corpus/apollo.mjs';
import * as codegen from './corpus/codegen.mjs';
import * as urql from './corpus/urql.mjs';
import { variables as relayVariables } from './corpus/relay-variables.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..', '..');
const OUT = process.argv[2] ? resolve(process.argv[2]) : join(ROOT, 'tests', 'fastpath', 'corpus');
const URL_ = 'http://corpus.invalid/graphql';

/** A fetch that records the request (POST body or GET parameters) and answers no data. */
function recorder() {
  const sent = [];
  const fetch = async (url, init = {}) => {
    if (typeof init.body === 'string') {
      sent.push(JSON.parse(init.body));
    } else {
      const params = new URL(url).searchParams;
      sent.push({
        query: params.get('query'),
        operationName: params.get('operationName'),
        variables: JSON.parse(params.get('variables') ?? '{}'),
      });
    }
    return new Response(JSON.stringify({ data: null }), {
      headers: { 'content-type': 'application/json' },
    });
  };
  return { sent, fetch };
}

function write(tool, name, request) {
  const dir = join(OUT, tool);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.graphql`), request.query);
  const meta = { operationName: request.operationName ?? null, variables: request.variables ?? {} };
  writeFileSync(join(dir, `${name}.json`), JSON.stringify(meta, null, 2) + '\n');
}

async function captureApollo() {
  for (const doc of apollo.documents) {
    const { sent, fetch } = recorder();
    const client = new ApolloClient({
      link: new HttpLink({ uri: URL_, fetch }),
      cache: new InMemoryCache(),
    });
    await client.query({ query: doc.query, variables: doc.variables }).catch(() => null);
    write('apollo', doc.name, sent[0]);
  }
}

async function captureUrql(tool, documents, cache) {
  for (const doc of documents) {
    const { sent, fetch } = recorder();
    const client = new Client({ url: URL_, exchanges: [cache, fetchExchange], fetch });
    await client.query(doc.query, doc.variables).toPromise();
    write(tool, doc.name, sent[0]);
  }
}

function captureCodegen() {
  const used = (text) => [...text.matchAll(/\.\.\.(\w+)/g)].map((m) => m[1]);
  for (const doc of codegen.documents) {
    // The fragments the operation spreads, and theirs, each once, after the operation.
    const names = [];
    const pending = used(doc.operation);
    while (pending.length) {
      const name = pending.shift();
      if (names.includes(name) || !(name in codegen.fragments)) continue;
      names.push(name);
      pending.push(...used(codegen.fragments[name]));
    }
    const text = [doc.operation, ...names.map((n) => codegen.fragments[n])]
      .map((part) => print(parse(part)))
      .join('\n');
    write('codegen', doc.name, { query: text, operationName: doc.name, variables: doc.variables });
  }
}

function captureRelay() {
  const corpus = join(HERE, 'corpus');
  const generated = join(corpus, 'relay', '__generated__');
  rmSync(generated, { recursive: true, force: true });
  mkdirSync(generated);
  execFileSync(join(HERE, 'node_modules', '.bin', 'relay-compiler'), ['relay.config.json'], {
    cwd: corpus,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const artifacts = [
    ...readdirSync(generated).map((f) => join(generated, f)),
    join(HERE, 'relay', '__generated__', 'PackagePageQuery.graphql.js'),
  ];
  for (const path of artifacts) {
    const found = readFileSync(path, 'utf8').match(/"text": ("(?:[^"\\]|\\.)*")/);
    const kind = readFileSync(path, 'utf8').match(/"operationKind": "(\w+)"/);
    if (!found || kind?.[1] !== 'query') continue;
    const text = JSON.parse(found[1]);
    const name = text.match(/^query (\w+)/)[1];
    write('relay', name, { query: text, operationName: name, variables: relayVariables[name] });
  }
}

function captureApp() {
  const source = readFileSync(join(ROOT, 'examples', 'app.js'), 'utf8');
  const strings = Object.fromEntries(
    [...source.matchAll(/const (\w+) = `([\s\S]*?)`;/g)].map((m) => [m[1], m[2]]),
  );
  const expand = (text) => text.replace(/\$\{(\w+)\}/g, (_, name) => strings[name]);
  const variables = {
    SEARCH: { search: 'django', first: 10, after: null },
    PACKAGE: { slug: 'django-shop' },
    GRID: { id: 1000000, first: 25 },
  };
  for (const [constant, vars] of Object.entries(variables)) {
    const text = expand(strings[constant]);
    const name = text.match(/query (\w+)/)[1];
    write('app', name, { query: text, operationName: name, variables: vars });
  }
}

rmSync(OUT, { recursive: true, force: true });
await captureApollo();
await captureUrql('urql', urql.urql, cacheExchange);
await captureUrql('graphcache', urql.graphcache, graphcacheExchange({}));
captureCodegen();
captureRelay();
captureApp();
console.log(`written: ${OUT}`);
