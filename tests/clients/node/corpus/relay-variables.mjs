// The variables each Relay query is sent with (relay/ holds only what relay-compiler reads).
export const variables = {
  PackageListQuery: { first: 10, after: null },
  PackageListPaginationQuery: { first: 10, after: null },
  GridViewQuery: { slug: 'synthetic-api-frameworks-1' },
  // Grid 1000000: the first synthetic grid, synthetic-api-frameworks-1.
  GridViewPackagesPaginationQuery: { count: 5, cursor: null, id: 'R3JpZDoxMDAwMDAw' },
  ParticipantCardQuery: { login: 'nemesifier' },
  ParticipantCardRefetchQuery: { id: 'UGFydGljaXBhbnQ6Mw==' },
  PackageViewQuery: { slug: 'django-shop', withParticipants: true },
  PackageViewRefetchQuery: { id: 'UGFja2FnZTo2MzE=', withParticipants: false },
  CategoryPageQuery: { slug: 'synthetic-apps' },
  // Category 1000000: synthetic-apps.
  CategoryPagePaginationQuery: { first: 5, after: null, id: 'Q2F0ZWdvcnk6MTAwMDAwMA==' },
  PackagePageQuery: { slug: 'django-shop', first: 3, search: 'django' },
};
