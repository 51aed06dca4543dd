/**
 * @generated SignedSource<<26d18926beac7a1f7e6f279a3e6cacdd>>
 * @lightSyntaxTransform
 */

/* eslint-disable */

'use strict';

var node = {
  "argumentDefinitions": [],
  "kind": "Fragment",
  "metadata": null,
  "name": "PackagePage_result",
  "selections": [
    {
      "kind": "InlineFragment",
      "selections": [
        {
          "alias": null,
          "args": null,
          "kind": "ScalarField",
          "name": "slug",
          "storageKey": null
        }
      ],
      "type": "Package",
      "abstractKey": null
    },
    {
      "kind": "InlineFragment",
      "selections": [
        {
          "alias": "gridSlug",
          "args": null,
          "kind": "ScalarField",
          "name": "slug",
          "storageKey": null
        }
      ],
      "type": "Grid",
      "abstractKey": null
    }
  ],
  "type": "SearchResult",
  "abstractKey": "__isSearchResult"
};

node.hash = "a831cdb2e66dee546b414a12624a04e2";

export default node;
