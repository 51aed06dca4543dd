import { graphql } from 'relay-runtime';

export const query = graphql`
  query GridViewQuery($slug: String!) {
    grid(slug: $slug) {
      ...GridView_grid
    }
  }
`;

export const grid = graphql`
  fragment GridView_grid on Grid
  @argumentDefinitions(count: { type: "Int", defaultValue: 5 }, cursor: { type: "String" })
  @refetchable(queryName: "GridViewPackagesPaginationQuery") {
    title
    slug
    features {
      id
      title
    }
    packages(first: $count, after: $cursor) @connection(key: "GridView_packages") {
      edges {
        node {
          ...PackageRow_package
        }
      }
    }
  }
`;
