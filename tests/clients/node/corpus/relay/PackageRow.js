// The documents of a Relay app, for relay-compiler only (never run): corpus.mjs compiles
// them and keeps the text of every query artifact, which is what Relay sends.
import { graphql } from 'relay-runtime';

export const packageRow = graphql`
  fragment PackageRow_package on Package {
    slug
    title
    repoWatchers
    category {
      title
    }
  }
`;
