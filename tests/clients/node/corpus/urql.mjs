// Documents as an urql app writes them. corpus.mjs sends them through a real urql Client:
// `urql` with its document cache (cacheExchange, fetchExchange), `graphcache` with
// @urql/exchange-graphcache. Both add `__typename` to every selection set but the root.
import { gql } from '@urql/core';

const PACKAGE_CARD = gql`
  fragment PackageCard on Package {
    id
    databaseId
    title
    repoWatchers
  }
`;

export const urql = [
  {
    // tests/clients/node/urql.mjs's query, as written there.
    name: 'PackagePage',
    variables: { slug: 'django-shop', first: 2 },
    query: gql`
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
    `,
  },
  {
    name: 'UrqlPackagesPage',
    variables: { first: 20, after: null },
    query: gql`
      query UrqlPackagesPage($first: Int!, $after: String) {
        packages(first: $first, after: $after) {
          pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
          edges { cursor node { ...PackageCard slug } }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'UrqlGridRows',
    variables: { slug: 'synthetic-api-frameworks-1', rows: 10 },
    query: gql`
      query UrqlGridRows($slug: String!, $rows: Int) {
        grid(slug: $slug) {
          id
          title
          features { id title }
          rows(first: $rows) {
            package { ...PackageCard }
            elements { feature { id } text }
          }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'UrqlCategories',
    variables: {},
    query: gql`
      query UrqlCategories {
        categories(first: 10) {
          totalCount
          nodes {
            id
            slug
            title
            packages(first: 2) { nodes { ...PackageCard } }
          }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'UrqlParticipants',
    variables: { prefix: 's', first: 5 },
    query: gql`
      query UrqlParticipants($prefix: String, $first: Int) {
        participants(first: $first, filter: { loginPrefix: $prefix }, orderBy: { field: LOGIN }) {
          totalCount
          nodes { id login packageCount }
        }
      }
    `,
  },
  {
    name: 'UrqlPackageById',
    variables: { id: 631 },
    query: gql`
      query UrqlPackageById($id: Int) {
        package(id: $id) {
          ...PackageCard
          pypiUrl
          pypiName
          isActive
          commitsLastYear
          category { id slug }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
];

export const graphcache = [
  {
    name: 'GraphcachePackagePage',
    variables: { slug: 'django-shop' },
    query: gql`
      query GraphcachePackagePage($slug: String!) {
        package(slug: $slug) {
          ...PackageCard
          category { id title }
          participants(first: 10) {
            totalCount
            edges { cursor node { id login } }
            pageInfo { hasNextPage endCursor }
          }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'GraphcacheGridPackages',
    variables: { slug: 'synthetic-api-frameworks-1', first: 10 },
    query: gql`
      query GraphcacheGridPackages($slug: String!, $first: Int!) {
        grid(slug: $slug) {
          id
          ... on Grid { title slug }
          packages(first: $first) { edges { node { id slug } } }
        }
      }
    `,
  },
  {
    name: 'GraphcachePackagePages',
    variables: { first: 5, after: null },
    query: gql`
      query GraphcachePackagePages($first: Int!, $after: String) {
        packages(first: $first, after: $after, orderBy: { field: TITLE }) {
          edges { cursor node { id title } }
          pageInfo { hasNextPage endCursor }
        }
      }
    `,
  },
  {
    name: 'GraphcacheParticipant',
    variables: { login: 'nemesifier' },
    query: gql`
      query GraphcacheParticipant($login: String!) {
        participant(login: $login) {
          id
          login
          packages(first: 5) { totalCount nodes { ...PackageCard } }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'GraphcacheGridNode',
    variables: { id: 'R3JpZDo0MQ==' },
    query: gql`
      query GraphcacheGridNode($id: ID!) {
        node(id: $id) {
          id
          ... on Grid { databaseId slug title isFetched }
        }
      }
    `,
  },
  {
    name: 'GraphcacheCategoryOptional',
    variables: { slug: 'apps', withPackages: true },
    query: gql`
      query GraphcacheCategoryOptional($slug: String!, $withPackages: Boolean!) {
        category(slug: $slug) {
          id
          title
          ... @include(if: $withPackages) {
            packages(first: 3) { totalCount nodes { ...PackageCard } }
          }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
];
