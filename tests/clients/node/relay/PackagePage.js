// The documents of relay.mjs as a Relay app writes them, for relay-compiler only: it reads
// the `graphql` tags here and writes the artifacts in __generated__/ that relay.mjs
// imports (this module is never run). The test suite checks the artifacts are what
// relay-compiler writes from these documents and the committed schema.graphql.
import { graphql } from 'relay-runtime';

export const query = graphql`
  query PackagePageQuery($slug: String!, $first: Int!, $search: String!) {
    package(slug: $slug) {
      ...PackagePage_package
      grids {
        ...PackagePage_grid
      }
    }
    packages(first: $first) {
      nodes {
        slug
      }
    }
    search(query: $search, first: 3) {
      ...PackagePage_result
    }
  }
`;

export const packageFragment = graphql`
  fragment PackagePage_package on Package {
    databaseId
    title
    repoWatchers
    category {
      title
    }
  }
`;

export const gridFragment = graphql`
  fragment PackagePage_grid on Grid {
    slug
    title
  }
`;

export const resultFragment = graphql`
  fragment PackagePage_result on SearchResult {
    ... on Package {
      slug
    }
    ... on Grid {
      gridSlug: slug
    }
  }
`;

export const rename = graphql`
  mutation PackagePageRenameMutation($id: ID!, $version: Int!, $title: String!) {
    updatePackage(id: $id, expectedVersion: $version, input: { title: $title }) {
      version
      ...PackagePage_package
    }
  }
`;

export const watch = graphql`
  subscription PackagePageWatchSubscription($ids: [Int!]) {
    packageChanged(ids: $ids) {
      ...PackagePage_package
    }
  }
`;
