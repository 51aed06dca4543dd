import { graphql } from 'relay-runtime';

export const query = graphql`
  query PackageListQuery($first: Int!, $after: String) {
    ...PackageList_query @arguments(first: $first, after: $after)
  }
`;

export const list = graphql`
  fragment PackageList_query on Query
  @argumentDefinitions(first: { type: "Int", defaultValue: 10 }, after: { type: "String" })
  @refetchable(queryName: "PackageListPaginationQuery") {
    packages(first: $first, after: $after, orderBy: { field: WATCHERS, direction: DESC })
      @connection(key: "PackageList_packages") {
      totalCount
      edges {
        node {
          ...PackageRow_package
        }
      }
    }
  }
`;
