import { graphql } from 'relay-runtime';

export const query = graphql`
  query CategoryPageQuery($slug: String!) {
    category(slug: $slug) {
      title
      ...CategoryPage_category
    }
  }
`;

export const category = graphql`
  fragment CategoryPage_category on Category
  @argumentDefinitions(first: { type: "Int", defaultValue: 5 }, after: { type: "String" })
  @refetchable(queryName: "CategoryPagePaginationQuery") {
    packages(first: $first, after: $after) @connection(key: "CategoryPage_packages") {
      totalCount
      edges {
        node {
          ...PackageRow_package
        }
      }
    }
  }
`;
