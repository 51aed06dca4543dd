// The example page: search with cursor paging, a package with its grids and
// contributors (kept up to date by a subscription), and a grid's comparison table.
// Routes live in the URL hash (#/package/<slug>, #/grid/<id>), so Back and links work.

import { query, subscribe } from "./graphql.js";

// --- The GraphQL documents: copy these, then ask for the fields your page shows -------

// One fragment for the package view, used by the query and by the subscription, so a
// pushed result can be rendered exactly like a fetched one.
const PACKAGE_DETAIL = `
  fragment PackageDetail on Package {
    databaseId
    slug
    title
    repoDescription
    repoUrl
    repoWatchers
    repoForks
    category { title }
    grids { databaseId title isFetched }
    participants(first: 10) { totalCount nodes { login profileUrl } }
  }`;

const SEARCH = `
  query Search($search: String, $first: Int!, $after: String) {
    packages(
      first: $first
      after: $after
      filter: { search: $search }
      orderBy: { field: WATCHERS, direction: DESC }
    ) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { slug title repoWatchers category { title } }
    }
  }`;

const PACKAGE = `
  query Package($slug: String!) { package(slug: $slug) { ...PackageDetail } }
  ${PACKAGE_DETAIL}`;

// Sent only when one of the selected fields changed. `lastEventId` resumes after a
// dropped connection: the server replays what was missed.
const PACKAGE_CHANGED = `
  subscription PackageChanged($id: Int!, $lastEventId: String) {
    packageChanged(ids: [$id], lastEventId: $lastEventId) { ...PackageDetail }
  }
  ${PACKAGE_DETAIL}`;

const GRID = `
  query Grid($id: Int!, $first: Int!) {
    grid(id: $id) {
      databaseId
      title
      description
      isFetched
      packages(first: 1) { totalCount }
      comparison(first: $first) {
        features { title description }
        rows {
          package { slug title }
          cells { text rating { sign intensity note } }
        }
      }
    }
  }`;

const COMPARED_PACKAGES = 25;

// --- Small DOM helpers: text goes in as text, never as HTML ---------------------------

const $ = (selector) => document.querySelector(selector);

function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children.filter((child) => child !== null && child !== undefined));
  return element;
}

const number = new Intl.NumberFormat();
const gridName = (grid) => grid.title ?? `Grid ${grid.databaseId}`;
const packageLink = (pkg) =>
  h("a", { href: `#/package/${encodeURIComponent(pkg.slug)}` }, pkg.title);

function showError(error) {
  $("#error").textContent = `Something went wrong: ${error.message}`;
  $("#error").hidden = false;
}

// --- Search and cursor paging ----------------------------------------------------------

// Cursors are opaque: keep the `after` of every page seen, so Previous goes back exactly.
// (Relay-style `last` + `before: startCursor` works too; a stack is simpler to follow.)
const search = { text: null, first: 10, afters: [null] };
let searchRequest = 0; // answers to older requests are dropped (fast typists, slow networks)

async function loadPage() {
  const request = ++searchRequest;
  const after = search.afters.at(-1);
  try {
    const { packages } = await query(SEARCH, { search: search.text, first: search.first, after });
    if (request === searchRequest) renderPage(packages);
  } catch (error) {
    showError(error);
  }
}

function renderPage(packages) {
  const pages = Math.max(1, Math.ceil(packages.totalCount / search.first));
  const page = search.afters.length;
  $("#result-summary").textContent =
    packages.totalCount === 0
      ? "No package matches."
      : `${number.format(packages.totalCount)} packages match; page ${page} of ${pages}.`;
  $("#results tbody").replaceChildren(
    ...packages.nodes.map((pkg) =>
      h(
        "tr",
        {},
        h("td", {}, packageLink(pkg)),
        h("td", { class: "number" }, number.format(pkg.repoWatchers)),
        h("td", {}, pkg.category?.title ?? "—"),
      ),
    ),
  );
  $("#results").hidden = packages.nodes.length === 0;
  $("#page-number").textContent = packages.totalCount ? `Page ${page} of ${pages}` : "";
  $("#previous-page").disabled = page === 1;
  const next = $("#next-page");
  next.disabled = !packages.pageInfo.hasNextPage;
  next.dataset.after = packages.pageInfo.endCursor ?? "";
}

$("#search-form").addEventListener("submit", (event) => {
  event.preventDefault();
  search.text = $("#search-text").value.trim() || null;
  search.first = Number($("#page-size").value);
  search.afters = [null];
  loadPage();
});
$("#next-page").addEventListener("click", (event) => {
  search.afters.push(event.currentTarget.dataset.after);
  loadPage();
});
$("#previous-page").addEventListener("click", () => {
  if (search.afters.length > 1) search.afters.pop();
  loadPage();
});

// --- A package, followed live ------------------------------------------------------------

let stopFollowing = () => {};
let visit = 0; // the latest navigation wins, whichever answer arrives last

function renderPackage(pkg) {
  $("#package-title").textContent = pkg.title;
  $("#package-description").textContent = pkg.repoDescription;
  $("#package-stars").textContent = number.format(pkg.repoWatchers);
  $("#package-forks").textContent = number.format(pkg.repoForks);
  $("#package-category").textContent = pkg.category?.title ?? "—";
  $("#package-repo").textContent = pkg.repoUrl;
  $("#package-repo").href = pkg.repoUrl;
  $("#package-grids").replaceChildren(
    ...(pkg.grids.length
      ? pkg.grids.map((grid) =>
          h(
            "li",
            {},
            h("a", { href: `#/grid/${grid.databaseId}` }, gridName(grid)),
            grid.isFetched ? null : " (details not imported yet)",
          ),
        )
      : [h("li", {}, "In no comparison grid.")]),
  );
  // Logins link to GitHub; avatars are left out because this page loads nothing from
  // outside the server (add <img src=avatarUrl> in your app if you like).
  const { totalCount, nodes } = pkg.participants;
  $("#contributors-heading").textContent =
    totalCount > nodes.length
      ? `Contributors (first ${nodes.length} of ${number.format(totalCount)})`
      : `Contributors (${totalCount})`;
  $("#package-contributors").replaceChildren(
    ...nodes.map((person) => h("li", {}, h("a", { href: person.profileUrl }, person.login))),
  );
}

/** Subscribe to the package's changes; on a dropped connection, resume with backoff. */
function follow(pkg) {
  let lastEventId = null;
  let retryIn = 1;
  let timer;
  let stop = () => {};
  const status = (text) => ($("#live-status").textContent = text);

  const start = () => {
    stop = subscribe(PACKAGE_CHANGED, { id: pkg.databaseId, lastEventId }, {
      next(payload) {
        retryIn = 1;
        lastEventId = payload.extensions?.eventId ?? lastEventId;
        if (payload.errors?.length) return showError(new Error(payload.errors[0].message));
        renderPackage(payload.data.packageChanged);
        status(`Updated live at ${new Date().toLocaleTimeString()}.`);
      },
      error(error) {
        if (error.code === "EVENTS_EXPIRED") return showPackage(pkg.slug); // refetch, anew
        status(`Live updates paused (${error.message}); retrying in ${retryIn} s.`);
        timer = setTimeout(start, retryIn * 1000);
        retryIn = Math.min(retryIn * 2, 30);
      },
    });
  };
  start();
  status("Live: changes to this package appear here as they happen.");
  return () => {
    clearTimeout(timer);
    stop();
  };
}

async function showPackage(slug) {
  stopFollowing();
  const current = ++visit;
  try {
    const { package: pkg } = await query(PACKAGE, { slug });
    if (current !== visit) return;
    if (!pkg) throw new Error(`no package "${slug}"`); // unknown slugs are null, not errors
    renderPackage(pkg);
    stopFollowing = follow(pkg);
    show("#package");
  } catch (error) {
    showError(error);
  }
}

// --- A grid's comparison table -----------------------------------------------------------

function ratingCell(cell) {
  if (cell.text === null) {
    return h("td", { class: "empty" }, h("span", { class: "visually-hidden" }, "no value"));
  }
  if (!cell.rating) return h("td", {}, cell.text);
  const { sign, intensity, note } = cell.rating;
  const positive = sign === "POSITIVE";
  return h(
    "td",
    { class: positive ? "positive" : "negative", title: cell.text },
    h("span", { "aria-hidden": "true" }, (positive ? "✔" : "✘").repeat(intensity)),
    h("span", { class: "visually-hidden" }, `${positive ? "Yes" : "No"}, ${intensity} of 3`),
    note ? ` ${note}` : null,
  );
}

async function showGrid(id) {
  stopFollowing();
  const current = ++visit;
  try {
    const { grid } = await query(GRID, { id, first: COMPARED_PACKAGES });
    if (current !== visit) return;
    if (!grid) throw new Error(`no grid ${id}`);
    const { features, rows } = grid.comparison;
    $("#grid-title").textContent = gridName(grid);
    $("#grid-description").textContent = grid.isFetched
      ? grid.description
      : "Only this grid's id is known until it is imported; its packages are listed.";
    $("#comparison-caption").textContent =
      `${gridName(grid)}: ${rows.length} of ${grid.packages.totalCount} packages ` +
      `on ${features.length} features`;
    $("#comparison thead tr").replaceChildren(
      h("th", { scope: "col" }, "Package"),
      ...features.map((feature) =>
        h("th", { scope: "col", title: feature.description }, feature.title),
      ),
    );
    $("#comparison tbody").replaceChildren(
      ...rows.map((row) =>
        h(
          "tr",
          {},
          h("th", { scope: "row" }, packageLink(row.package)),
          ...row.cells.map(ratingCell),
        ),
      ),
    );
    show("#grid");
  } catch (error) {
    showError(error);
  }
}

// --- Routing -------------------------------------------------------------------------------

function show(selector) {
  $("#error").hidden = true;
  for (const section of ["#package", "#grid"]) $(section).hidden = section !== selector;
  $(`${selector} h2`).setAttribute("tabindex", "-1");
  $(`${selector} h2`).focus(); // screen readers hear the new view's title
}

function route() {
  const [, kind, value] = window.location.hash.match(/^#\/(package|grid)\/(.+)$/) ?? [];
  if (kind === "package") showPackage(decodeURIComponent(value));
  else if (kind === "grid") showGrid(Number(value));
  else {
    stopFollowing();
    visit++;
    $("#package").hidden = $("#grid").hidden = true;
  }
}

window.addEventListener("hashchange", route);
route();
loadPage(); // the first page of all packages, before any search
