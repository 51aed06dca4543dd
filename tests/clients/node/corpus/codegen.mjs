// Documents as GraphQL Code Generator's client preset emits them in `documentMode:
// 'string'` (a TypedDocumentString sent with fetch): the operation printed by graphql-js,
// then each fragment it uses once, after it. No client adds `__typename`. (Codegen itself
// is not installed here: corpus.mjs prints the same way it does, with graphql-js `print`.)
export const fragments = {
  PackageFields: `
    fragment PackageFields on Package {
      slug
      title
      repoWatchers
      category { ...CategoryFields }
    }`,
  CategoryFields: `
    fragment CategoryFields on Category {
      slug
      title
    }`,
  GridFields: `
    fragment GridFields on Grid {
      slug
      title
      features { id title }
    }`,
  ParticipantFields: `
    fragment ParticipantFields on Participant {
      login
      avatarUrl
      packageCount
    }`,
};

export const documents = [
  {
    name: 'CodegenPackageDetail',
    variables: { slug: 'django-shop' },
    operation: `
      query CodegenPackageDetail($slug: String!) {
        package(slug: $slug) {
          ...PackageFields
          participants(first: 10) { nodes { ...ParticipantFields } }
        }
      }`,
  },
  {
    name: 'CodegenGridComparison',
    variables: { slug: 'synthetic-api-frameworks-1' },
    operation: `
      query CodegenGridComparison($slug: String!) {
        grid(slug: $slug) {
          ...GridFields
          packages(first: 20) { nodes { ...PackageFields } }
          rows(first: 20) { package { slug } elements { feature { id } text } }
        }
      }`,
  },
  {
    name: 'CodegenFilteredPackages',
    variables: {
      filter: { categorySlugs: ['apps', 'synthetic-apps'], hasPypi: true },
      orderBy: { field: 'TITLE', direction: 'ASC' },
      first: 10,
    },
    operation: `
      query CodegenFilteredPackages($filter: PackageFilter!, $orderBy: PackageOrder!, $first: Int!) {
        packages(filter: $filter, orderBy: $orderBy, first: $first) {
          totalCount
          nodes { ...PackageFields pypiVersion }
        }
      }`,
  },
  {
    name: 'CodegenCategoryPage',
    variables: { slug: 'synthetic-apps', first: 5, after: null },
    operation: `
      query CodegenCategoryPage($slug: String!, $first: Int!, $after: String) {
        category(slug: $slug) {
          ...CategoryFields
          packages(first: $first, after: $after) {
            pageInfo { hasNextPage endCursor }
            edges { cursor node { ...PackageFields } }
          }
        }
      }`,
  },
  {
    name: 'CodegenParticipantPackages',
    variables: { login: 'nemesifier' },
    operation: `
      query CodegenParticipantPackages($login: String!) {
        participant(login: $login) {
          ...ParticipantFields
          packages(first: 5, orderBy: { field: WATCHERS, direction: DESC }) {
            nodes { ...PackageFields grids { ...GridFields } }
          }
        }
      }`,
  },
  {
    name: 'CodegenPackageOptional',
    variables: { slug: 'django-shop', full: false },
    operation: `
      query CodegenPackageOptional($slug: String!, $full: Boolean = false) {
        package(slug: $slug) {
          ...PackageFields
          ... on Package @include(if: $full) {
            repoDescription
            participants(first: 5) { totalCount }
          }
          ... @skip(if: $full) { repoUrl }
        }
      }`,
  },
  {
    name: 'CodegenLastPage',
    variables: { last: 5 },
    operation: `
      query CodegenLastPage($last: Int!) {
        grids(last: $last) {
          pageInfo { hasPreviousPage startCursor }
          nodes { ...GridFields }
        }
      }`,
  },
];
