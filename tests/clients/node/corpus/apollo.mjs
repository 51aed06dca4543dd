// Documents as an Apollo Client app writes them (gql tags, fragments shared between
// queries). corpus.mjs sends each one through a real ApolloClient (HttpLink,
// InMemoryCache) and keeps the request it makes: Apollo adds `__typename` to every
// selection set but the operation's root, and drops `@connection`.
import { gql } from '@apollo/client';

const PACKAGE_CARD = gql`
  fragment PackageCard on Package {
    id
    slug
    title
    repoWatchers
    category {
      id
      title
    }
  }
`;

const GRID_HEADER = gql`
  fragment GridHeader on Grid {
    id
    slug
    title
    description
  }
`;

export const documents = [
  {
    name: 'ApolloPackagePage',
    variables: { slug: 'django-shop' },
    query: gql`
      query ApolloPackagePage($slug: String!) {
        package(slug: $slug) {
          ...PackageCard
          repoUrl
          lastUpdated
          grids { id databaseId isFetched }
          participants(first: 5) { totalCount nodes { id login avatarUrl } }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloPackageFeed',
    variables: { first: 10, after: null },
    query: gql`
      query ApolloPackageFeed($first: Int!, $after: String) {
        packages(first: $first, after: $after, orderBy: { field: WATCHERS, direction: DESC })
          @connection(key: "feed") {
          totalCount
          pageInfo { hasNextPage endCursor }
          edges { cursor node { ...PackageCard } }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloGridDetail',
    variables: { slug: 'synthetic-api-frameworks-1', first: 10 },
    query: gql`
      query ApolloGridDetail($slug: String!, $first: Int!) {
        grid(slug: $slug) {
          ...GridHeader
          features { id title description }
          packages(first: $first) { totalCount nodes { ...PackageCard } }
        }
      }
      ${GRID_HEADER}
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloCategoryPackages',
    variables: { slug: 'synthetic-apps' },
    query: gql`
      query ApolloCategoryPackages($slug: String!) {
        category(slug: $slug) {
          id
          titlePlural
          packages(first: 5, orderBy: { field: WATCHERS, direction: DESC }) {
            totalCount
            nodes { ...PackageCard }
          }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloParticipant',
    variables: { login: 'nemesifier' },
    query: gql`
      query ApolloParticipant($login: String!) {
        participant(login: $login) {
          id
          login
          profileUrl
          packageCount
          packages(first: 3) { nodes { ...PackageCard } }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloPackageOptional',
    variables: { slug: 'django-shop', withGrids: true, brief: false },
    query: gql`
      query ApolloPackageOptional($slug: String!, $withGrids: Boolean!, $brief: Boolean!) {
        package(slug: $slug) {
          ...PackageCard
          grids @include(if: $withGrids) { id databaseId }
          participants(first: 3) @skip(if: $brief) { nodes { id login } }
          repoDescription @skip(if: $brief)
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloPackageBrief',
    variables: { slug: 'django-shop', withGrids: false, brief: true },
    query: gql`
      query ApolloPackageBrief($slug: String!, $withGrids: Boolean!, $brief: Boolean!) {
        package(slug: $slug) {
          ...PackageCard
          grids @include(if: $withGrids) { id databaseId }
          participants(first: 3) @skip(if: $brief) { nodes { id login } }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloTwoPackages',
    variables: { slug: 'django-organizations' },
    query: gql`
      query ApolloTwoPackages($slug: String!) {
        shop: package(slug: "django-shop") { ...PackageCard }
        other: package(slug: $slug) { ...PackageCard repoForks }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloMergedFields',
    variables: { slug: 'django-shop' },
    query: gql`
      query ApolloMergedFields($slug: String!) {
        package(slug: $slug) {
          title
          category { slug }
          ...PackageCard
          category { titlePlural }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloPackageNode',
    variables: { id: 'UGFja2FnZTo2MzE=' },
    query: gql`
      query ApolloPackageNode($id: ID!) {
        node(id: $id) {
          id
          ... on Package { ...PackageCard pypiVersion }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloGridsWithPackages',
    variables: {},
    query: gql`
      query ApolloGridsWithPackages {
        grids(first: 5, filter: { minPackageCount: 1 }) {
          totalCount
          nodes {
            ...GridHeader
            packages(first: 3, orderBy: { field: WATCHERS }) { totalCount nodes { id title } }
          }
        }
      }
      ${GRID_HEADER}
    `,
  },
  {
    name: 'ApolloFilteredPackages',
    variables: {
      first: 10,
      filter: { search: 'django', repoWatchers: { min: 10 } },
      orderBy: { field: 'WATCHERS', direction: 'DESC' },
    },
    query: gql`
      query ApolloFilteredPackages($first: Int!, $filter: PackageFilter, $orderBy: PackageOrder) {
        packages(first: $first, filter: $filter, orderBy: $orderBy) {
          totalCount
          nodes { ...PackageCard lastUpdated }
        }
      }
      ${PACKAGE_CARD}
    `,
  },
  {
    name: 'ApolloNodes',
    variables: { ids: ['UGFja2FnZTo2MzE=', 'R3JpZDo0MQ=='] },
    query: gql`
      query ApolloNodes($ids: [ID!]!) {
        nodes(ids: $ids) {
          id
          ... on Package { slug title }
          ... on Grid { databaseId isFetched }
        }
      }
    `,
  },
  {
    name: 'ApolloSearch',
    variables: { text: 'auth' },
    query: gql`
      query ApolloSearch($text: String!) {
        search(query: $text, first: 5) {
          ... on Package { id slug score }
          ... on Grid { id gridSlug: slug title }
        }
      }
    `,
  },
];
