import { graphql } from 'relay-runtime';

export const query = graphql`
  query PackageViewQuery($slug: String!, $withParticipants: Boolean!) {
    package(slug: $slug) {
      ...PackageView_package @arguments(withParticipants: $withParticipants)
    }
  }
`;

export const pkg = graphql`
  fragment PackageView_package on Package
  @argumentDefinitions(withParticipants: { type: "Boolean", defaultValue: false })
  @refetchable(queryName: "PackageViewRefetchQuery") {
    title
    repoUrl
    category {
      ...CategoryLink_category
    }
    grids {
      slug
      title
    }
    participants(first: 10) @include(if: $withParticipants) {
      totalCount
      nodes {
        login
      }
    }
  }
`;
