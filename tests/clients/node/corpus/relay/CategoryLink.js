import { graphql } from 'relay-runtime';

export const category = graphql`
  fragment CategoryLink_category on Category {
    slug
    title
  }
`;
