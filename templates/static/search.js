// The search page: reads the query from the URL and the form, asks the engine (search-engine.js,
// loaded first: window.uprSearch) and shows its results, filters, pager and highlights. Index
// data is shown with textContent only.
(function () {
  "use strict";

  const { FACETS, PAGE_SIZE, WORD, before, closest, facets, form, loadedTerm, own, parseQuery, search } =
    window.uprSearch;

  // --- The page -------------------------------------------------------------------------------------

  const input = form.querySelector("input[name=q]");
  const selects = Array.from(form.querySelectorAll("select[data-facet]"));
  const filters = form.querySelector(".search-filters");
  const clear = form.querySelector(".search-clear");
  const status = document.querySelector(".search-status");
  const help = document.querySelector(".search-help");
  const section = document.querySelector(".search-results");
  const list = section.querySelector(".results");
  const pager = section.querySelector(".search-pager");
  const heading = document.getElementById("results-heading");
  const PAGE = form.getAttribute("action");
  const TITLE = document.title;
  const SNIPPET = 300; // characters of a paragraph shown around its first match
  const number = new Intl.NumberFormat("en");

  let state = {}; // what the URL says: q, the facets, page
  let generation = 0; // the latest search; an older one finishing late is not shown
  let typing = 0; // the pending search of the words being typed
  let editing = false; // typing has already added its history entry

  function stateOf(search) {
    const params = new URLSearchParams(search);
    const page = parseInt(params.get("page"), 10);
    const found = { q: params.get("q") || "", page: page >= 1 ? page : 1 };
    FACETS.forEach((name) => { found[name] = params.get(name) || ""; });
    return found;
  }

  function urlOf(s) {
    const params = new URLSearchParams();
    for (const name of ["q", ...FACETS]) if (s[name]) params.set(name, s[name]);
    if (s.page > 1) params.set("page", String(s.page));
    const query = params.toString();
    return query ? `${PAGE}?${query}` : PAGE;
  }

  function element(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function link(href, text, rel) {
    const a = element("a", null, text);
    a.href = href;
    if (rel) a.rel = rel;
    return a;
  }

  const capitalise = (text) => text.charAt(0).toUpperCase() + text.slice(1);
  const plural = (n, word) => `${number.format(n)} ${word}${n === 1 ? "" : "s"}`;

  // how: "push" for a new search the reader may come back to, "replace" while typing, null to
  // follow the URL (on load, back and forward).
  function go(next, how) {
    state = next;
    editing = false;
    input.value = state.q;
    selects.forEach((select) => { select.value = state[select.dataset.facet]; });
    const url = urlOf(state);
    if (how === "push" && url !== location.pathname + location.search) history.pushState(null, "", url);
    else if (how) history.replaceState(null, "", url);
    return run();
  }

  async function run() {
    const mine = ++generation;
    const chosen = FACETS.filter((name) => state[name]);
    const parsed = parseQuery(state.q);
    document.title = state.q.trim() ? `${state.q.trim()} — ${TITLE}` : TITLE;
    if (!parsed.words.length && !parsed.excluded.length && !chosen.length) return showHelp();
    help.hidden = true;
    section.setAttribute("aria-busy", "true");
    try {
      const result = await search(state.q, state, state.page);
      const labels = result.total || chosen.length ? await facets() : null; // names of states, themes, levels
      if (mine !== generation) return;
      showStatus(result);
      showFilters(result, labels);
      showHits(result);
    } catch (error) {
      if (mine !== generation) return;
      status.textContent = `Search is not available right now: ${error.message}. Please try again later.`;
      section.hidden = filters.hidden = true;
    } finally {
      if (mine === generation) section.removeAttribute("aria-busy");
    }
  }

  function showHelp() {
    status.textContent = "";
    help.hidden = false;
    section.hidden = filters.hidden = true;
  }

  // The query as typed, each misspelt word replaced by its suggestion.
  const suggested = (query, suggestions) =>
    query.replace(WORD, (word) => suggestions.get(word.toLowerCase()) || word);

  function showStatus(result) {
    const q = state.q.trim();
    const what = (q ? ` for “${q}”` : "") + (result.chosen.length ? ` with ${plural(result.chosen.length, "filter")}` : "");
    if (result.total) {
      const some = result.complete < result.total ? ` (${result.complete} with all the words, then those with some)` : "";
      status.textContent = `${plural(result.total, "result")}${what}${some}.`;
      return;
    }
    status.replaceChildren(`No results${what}.`);
    if (result.suggestions.size) {
      const better = suggested(q, result.suggestions);
      status.append(" Did you mean “", link(urlOf({ ...state, q: better, page: 1 }), better), "”?");
    } else if (!result.parsed.words.length && result.parsed.excluded.length) {
      status.append(" A minus sign only excludes: add a word to search for.");
    } else if (!result.missing && !result.terms.length && !result.chosen.length) {
      status.append(" Its words are too common to search for: add a more specific one.");
    }
    if (result.chosen.length) status.append(" Try clearing the filters.");
  }

  function facetLabel(name, value, labels) {
    if (name === "by" || name === "sur") return labels.names.get(value) || value;
    if (name === "theme") return labels.themeNames.get(value) || value;
    if (name === "level") return labels.levelNames.has(value) ? `${value} · ${labels.levelNames.get(value)}` : `Level ${value}`;
    return name === "position" ? capitalise(value) : name === "cycle" ? `Cycle ${value}` : value;
  }

  // Each facet's values with their counts over all the results; the chosen one stays, even at 0.
  // Themes and levels are left out while the archive has none (they are not yet classified).
  function showFilters(result, labels) {
    filters.hidden = labels === null;
    if (labels === null) return;
    for (const select of selects) {
      const name = select.dataset.facet;
      select.parentElement.hidden = !state[name] &&
        ((name === "theme" && !labels.themes.length) || (name === "level" && !labels.hasLevels));
      const counts = new Map(result.facets[name]);
      if (state[name] && !counts.has(state[name])) counts.set(state[name], 0);
      const values = [...counts].map(([value, count]) => ({ value, count, label: facetLabel(name, value, labels) }))
        .sort((a, b) => b.count - a.count || a.label.localeCompare(b.label, "en"));
      const options = values.map(({ value, count, label }) => new Option(`${label} (${number.format(count)})`, value));
      select.replaceChildren(new Option("Any", ""), ...options);
      select.value = state[name];
    }
    clear.hidden = !result.chosen.length;
  }

  function showHits(result) {
    section.hidden = result.total === 0;
    list.start = (result.page - 1) * PAGE_SIZE + 1;
    list.replaceChildren(...result.hits.map((hit) => resultItem(hit.record, result)));
    pager.replaceChildren();
    pager.hidden = result.pages < 2 && result.page <= result.pages;
    const first = (result.page - 1) * PAGE_SIZE + 1;
    if (result.page > 1) {
      pager.append(link(urlOf({ ...state, page: Math.min(result.page - 1, result.pages) }), "Previous page", "prev"));
    }
    pager.append(element("span", "search-range", result.hits.length
      ? `${number.format(first)}–${number.format(first + result.hits.length - 1)} of ${number.format(result.total)}`
      : `Page ${result.page} is past the last page, ${result.pages}`));
    if (result.page < result.pages) pager.append(link(urlOf({ ...state, page: result.page + 1 }), "Next page", "next"));
  }

  const TITLES = { recommendation: (r) => `Recommendation ${r.t}`, review: (r) => `Review of ${r.t}` };

  function resultItem(record, result) {
    const item = element("li", `result result-${record.k}`);
    const title = element("h3");
    title.append(link(record.u, (TITLES[record.k] || ((r) => r.t))(record)));
    item.append(title);
    if (record.k === "recommendation") {
      item.append(marked(element("p", "result-text"), record.x, result, false));
      const about = element("p", "result-meta");
      if (record.p) about.append(element("span", `position position-${record.p}`, capitalise(record.p)), " ");
      about.append(record.b.length ? `Recommended by ${record.b.join(", ")}` : "Recommending state not given");
      item.append(about);
    } else if (record.k === "paragraph") {
      item.append(marked(element("p", "result-text"), record.x, result, true));
    } else {
      item.append(element("p", "result-meta", record.x));
    }
    return item;
  }

  // The spans of `text` to mark: words with a query term, and whole phrases (common words included).
  function highlights(text, result) {
    const tokens = Array.from(text.matchAll(WORD), (m) =>
      ({ start: m.index, end: m.index + m[0].length, term: loadedTerm(m[0].toLowerCase()) }));
    const spans = [];
    tokens.forEach((token, i) => {
      if (result.terms.includes(token.term)) spans.push([token.start, token.end]);
      for (const phrase of result.phrases) {
        const last = tokens[i + phrase.length - 1];
        if (last && phrase.some(Boolean) && phrase.every((term, k) => term === "" || tokens[i + k].term === term)) {
          spans.push([token.start, last.end]);
        }
      }
    });
    spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    const merged = [];
    for (const span of spans) {
      const top = merged[merged.length - 1];
      if (top && span[0] <= top[1]) top[1] = Math.max(top[1], span[1]);
      else merged.push(span.slice());
    }
    return merged;
  }

  // `text` into `parent` with its matches in <mark>; as a snippet, ~300 characters around the first.
  function marked(parent, text, result, snippet) {
    const spans = highlights(text, result);
    let from = 0, to = text.length;
    if (snippet && text.length > SNIPPET) {
      const first = spans.length ? spans[0][0] : 0;
      from = Math.max(0, Math.min(first - 80, text.length - SNIPPET));
      if (from > 0) from = text.indexOf(" ", from) + 1 || from; // start on a whole word
      to = Math.min(text.length, from + SNIPPET);
      if (to < text.length && text.lastIndexOf(" ", to) > from) to = text.lastIndexOf(" ", to);
    }
    if (from > 0) parent.append("… ");
    let at = from;
    for (const [start, end] of spans) {
      if (end <= at || start >= to) continue;
      const s = Math.max(start, at), e = Math.min(end, to);
      parent.append(text.slice(at, s), element("mark", null, text.slice(s, e)));
      at = e;
    }
    parent.append(text.slice(at, to));
    if (to < text.length) parent.append(" …");
    return parent;
  }

  // --- Events -----------------------------------------------------------------------------------

  // Typing rewrites one history entry, not one per keystroke; its first change adds that entry,
  // so Back returns to the search shown before typing began.
  input.addEventListener("input", () => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      go({ ...state, q: input.value, page: 1 }, editing ? "replace" : "push");
      editing = true;
    }, 150);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(typing);
    go({ ...state, q: input.value, page: 1 }, "push");
  });
  selects.forEach((select) => select.addEventListener("change", () =>
    go({ ...state, [select.dataset.facet]: select.value, page: 1 }, "push")));
  clear.addEventListener("click", () => {
    const cleared = { ...state, page: 1 };
    FACETS.forEach((name) => { cleared[name] = ""; });
    input.focus(); // the button hides itself
    go(cleared, "push");
  });
  // Links to other searches (suggestions, pages, examples) run here instead of reloading.
  document.getElementById("main").addEventListener("click", (event) => {
    const a = event.target.closest("a[href]");
    if (!a || a.origin !== location.origin || a.pathname !== PAGE || event.button !== 0 ||
        event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const paging = pager.contains(a);
    go(stateOf(a.search), "push").then(() => { if (paging) heading.focus(); });
  });
  window.addEventListener("popstate", () => go(stateOf(location.search), null));
  go(stateOf(location.search), null);
})();
