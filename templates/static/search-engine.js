// The search engine: the browser twin of site_builder/search_query.py, whose docstring gives the
// query semantics, and of search_format.py, whose IndexFiles and Facets read the index files
// (format 5). The command line and the page (search.js) must return the same results, so this
// follows those modules function by function. It fetches only the files a query needs, and keeps
// them for the visit. Loaded before search.js, it gives the page one object: window.uprSearch.
(function () {
  "use strict";

  // --- The engine: search_query.py and search_format.py --------------------------------------------

  // Python's \w on str: letters, every kind of number (Nd, Nl, No) and "_", but no combining marks,
  // so no \p{M}. Compared over every code point: the same set, up to Python 3.11's Unicode 14.
  const W = "[\\p{L}\\p{N}_]";
  const WORD = new RegExp(`${W}+(?:\\.?${W}+)*`, "gu");
  // What Python's str.split() splits on: JavaScript's \s without U+FEFF, with U+001C–U+001F, U+0085.
  const SPACE = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;
  const SHARD_CHARACTERS = /^[a-z0-9]+$/;
  const FACETS = ["position", "by", "sur", "group", "cycle", "theme", "level"];
  const FORMAT_VERSION = 5;
  const PAGE_SIZE = 10;
  const MAX_SUGGESTION_DISTANCE = 2;

  const wordsOf = (text) => text.match(WORD) || [];
  // Index keys are words, and "constructor" is a word: never read one through the prototype.
  const own = (object, key) => (Object.hasOwn(object, key) ? object[key] : undefined);

  function shardName(text, prefix) {
    const head = text.slice(0, prefix);
    return SHARD_CHARACTERS.test(head) ? head : "_";
  }

  function levenshtein(a, b) {
    a = Array.from(a); // code points, as Python counts
    b = Array.from(b);
    if (a.length < b.length) [a, b] = [b, a];
    let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
    a.forEach((ca, i) => {
      const current = [i + 1];
      b.forEach((cb, j) => current.push(Math.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca !== cb))));
      previous = current;
    });
    return previous[b.length];
  }

  // Python orders strings by code point; JavaScript's < by UTF-16 unit (they differ past U+FFFF).
  function before(a, b) {
    const x = Array.from(a), y = Array.from(b);
    for (let i = 0; i < x.length && i < y.length; i++) {
      if (x[i] !== y[i]) return x[i].codePointAt(0) < y[i].codePointAt(0);
    }
    return x.length < y.length;
  }

  function parseQuery(query) {
    const text = query.toLowerCase();
    const words = [], phrases = [], rest = [];
    let position = 0;
    for (;;) {
      const start = text.indexOf('"', position);
      if (start < 0) { rest.push(text.slice(position)); break; }
      rest.push(text.slice(position, start), " ");
      const end = text.indexOf('"', start + 1);
      const phrase = wordsOf(end < 0 ? text.slice(start + 1) : text.slice(start + 1, end));
      if (phrase.length) phrases.push(phrase);
      words.push(...phrase);
      if (end < 0) break;
      position = end + 1;
    }
    const excluded = [];
    for (const chunk of rest.join("").split(SPACE)) {
      if (chunk.startsWith("-")) excluded.push(...wordsOf(chunk.slice(1)));
      else words.push(...wordsOf(chunk));
    }
    return { words, phrases, excluded };
  }

  // The shard of a term in a folder whose big shards were split (meta.json "split"): one more
  // character for as long as its shard was split. Python counts and indexes code points.
  function shardOf(key, split, prefix) {
    const characters = Array.from(key);
    let shard = shardName(key, prefix);
    while (split.has(shard) && characters.length > shard.length) shard += shardName(characters[shard.length], 1);
    return shard;
  }

  function decodeRuns(runs) { // [gap, length, …] → [[start, end], …]
    const found = [];
    for (let i = 0, end = 0; i < runs.length; i += 2) {
      const start = end + runs[i];
      end = start + runs[i + 1];
      found.push([start, end]);
    }
    return found;
  }

  const form = document.querySelector("form[data-index]");
  const INDEX = form.getAttribute("data-index");
  const files = new Map(); // path → promise of its JSON
  const loaded = new Map(); // path → JSON once arrived: highlighting reads it without fetching
  let meta = null;
  let tiers = []; // each tier of the index: { number, split: folder → Set of its split shards }

  // `optional`: a missing file reads as null (search_format.py checks that the file exists).
  function fetchJSON(path, optional) {
    if (!files.has(path)) {
      const promise = fetch(INDEX + path).then((response) => {
        if (optional && response.status === 404) return null;
        if (!response.ok) throw new Error(`${INDEX}${path} answered HTTP ${response.status}`);
        return response.json();
      }).then((data) => { loaded.set(path, data); return data; });
      promise.catch(() => files.delete(path)); // fetch it again next time
      files.set(path, promise);
    }
    return files.get(path);
  }

  const wordShard = (shard) =>
    (meta.words.includes(shard) ? fetchJSON(`words/${shard}.json`) : Promise.resolve({}));
  const termTiers = new Map(); // term → the tiers holding it, as a bit mask, from the words shards read
  // A word's [term, tiers] in a words shard, noting the term's tiers.
  function wordEntry(words, word) {
    const entry = own(words, word);
    if (entry) termTiers.set(entry[0], entry[1]);
    return entry;
  }
  // The term's shard in each tier that holds it, in tier order (its words shard was read).
  const termShards = (folder, term) => Promise.all(tiers.filter(({ number }) => (termTiers.get(term) >> number) & 1)
    .map(({ number, split }) => fetchJSON(`${folder}/${number}/${shardOf(term, split[folder], meta.prefix)}.json`)));

  // Python's round(): to the nearest integer, half to even.
  function roundHalfEven(x) {
    const floor = Math.floor(x), rest = x - floor;
    if (rest !== 0.5) return Math.round(x);
    return floor % 2 === 0 ? floor : floor + 1;
  }

  // doc → score, Whoosh's BM25F from the raw figures (search_format.py gives the arithmetic, in
  // the order it is done); notes each doc's recommending states and its level and themes (one
  // number each) in `refs` on the way.
  async function postings(term, refs) {
    const entries = (await termShards("terms", term)).map((shard) => own(shard, term) || []);
    const { k1, b, fields } = meta.scoring;
    const df = fields.map(() => 0);
    for (const flat of entries) for (let i = 1; i < flat.length; i += 6) df[flat[i]] += 1;
    const idf = df.map((n) => Math.log(meta.docs / (n + 1)) + 1);
    const summed = new Map();
    for (const flat of entries) {
      for (let i = 0, doc = 0; i < flat.length; i += 6) { // each tier's gaps count from 0
        doc += flat[i];
        const [field, freq, length] = [flat[i + 1], flat[i + 2], flat[i + 3]];
        const [, boost, average] = fields[field];
        const weight = freq * boost;
        const norm = k1 * ((1 - b) + b * length / average);
        summed.set(doc, (summed.get(doc) || 0) + idf[field] * ((weight * (k1 + 1)) / (weight + norm)));
        refs.set(doc, [flat[i + 4], flat[i + 5]]);
      }
    }
    return new Map(Array.from(summed, ([doc, score]) => [doc, roundHalfEven(1000 * score)]));
  }

  let facetsFile = null; // promise of facets.json, decoded
  function facets() {
    if (facetsFile === null) {
      facetsFile = fetchJSON("facets.json").then(decodeFacets);
      facetsFile.catch(() => { facetsFile = null; });
    }
    return facetsFile;
  }

  function decodeFacets(data) {
    const states = data.states.map(([iso3]) => iso3);
    const position = new Map(); // doc → position, for recommendations only
    for (const [value, runs] of Object.entries(data.position)) {
      for (const [start, end] of decodeRuns(runs)) for (let doc = start; doc < end; doc++) position.set(doc, value);
    }
    const starts = decodeRuns(data.reviews.flatMap(([gap, count]) => [gap, count])).map(([start]) => start);
    const themes = data.themes.map(([slug]) => slug);
    return {
      states, position, groups: data.groups, reviewStarts: starts, themes,
      themeNames: new Map(data.themes),
      levelNames: new Map(data.levels.map((name, i) => [String(i + 1), name])),
      hasLevels: data.abouts.some(([level]) => level),
      // [level as a one-value list or empty, theme slugs] of each "about" number above 0
      abouts: data.abouts.map(([level, ...numbers]) => [level ? [String(level)] : [], numbers.map((n) => themes[n])]),
      names: new Map(data.states.map(([iso3, name]) => [iso3, name])),
      groupOf: new Map(data.states.map(([iso3, , group]) => [iso3, data.groups[group]])),
      sets: data.sets.map((members) => members.map((n) => states[n])),
      // [end, state under review, cycle] of each review's run of recommendations
      reviews: data.reviews.map(([, count, state, cycle], i) => [starts[i] + count, states[state], cycle]),
    };
  }

  const bisectRight = (sorted, x) => { // Python's bisect.bisect_right
    let low = 0, high = sorted.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (x < sorted[middle]) high = middle; else low = middle + 1;
    }
    return low;
  };

  // facet → the doc's values, or null for a doc that is not a recommendation; `ref` and
  // `about` are the numbers its postings carry.
  function valuesOf(f, doc, [ref, about]) {
    const position = f.position.get(doc);
    if (position === undefined) return null;
    const [end, state, cycle] = f.reviews.at(bisectRight(f.reviewStarts, doc) - 1);
    const by = ref === 0 ? [] : f.sets[ref - 1];
    const [level, themes] = about ? f.abouts[about - 1] : [[], []];
    return { position: [position], by, sur: doc < end ? [state] : [],
             group: [...new Set(by.map((iso3) => f.groupOf.get(iso3)))], cycle: cycle ? [String(cycle)] : [],
             theme: themes, level };
  }

  // For a search by facets alone: the docs of the chosen recommending state, theme, group or
  // level, in that order (or of every recommendation), their numbers noted in `refs`; the other
  // facets are applied later.
  async function facetDocs(chosen, refs) {
    const f = await facets();
    let path = "facets/all.json";
    // a value the index does not know has no file: no request (and no 404) for it
    if (chosen.by) path = f.states.includes(chosen.by) ? `facets/by/${chosen.by}.json` : null;
    else if (chosen.theme) path = f.themeNames.has(chosen.theme) ? `facets/theme/${chosen.theme}.json` : null;
    else if (chosen.group) path = f.groups.includes(chosen.group) ? `facets/group/${f.groups.indexOf(chosen.group)}.json` : null;
    else if (chosen.level) path = f.levelNames.has(chosen.level) ? `facets/level/${chosen.level}.json` : null;
    const flat = (path && await fetchJSON(path, true)) || [];
    const docs = new Set();
    for (let i = 0, doc = 0; i < flat.length; i += 3) {
      doc += flat[i];
      docs.add(doc);
      refs.set(doc, [flat[i + 1], flat[i + 2]]);
    }
    return docs;
  }

  async function record(doc) {
    return (await fetchJSON(`docs/${Math.floor(doc / meta.chunk)}.json`))[doc % meta.chunk];
  }

  async function suggest(word) {
    const home = shardName(word, meta.prefix);
    let found = closest(word, [await wordShard(home)]);
    if (found === null) {
      const first = String.fromCodePoint(word.codePointAt(0));
      const neighbours = meta.words.filter((s) => s !== home && s.slice(0, 1) === first && s !== "_").sort();
      found = closest(word, await Promise.all(neighbours.map(wordShard)));
    }
    return found;
  }

  function closest(word, maps) {
    const length = Array.from(word).length;
    let best = null; // [distance, word]
    for (const words of maps) {
      for (const [candidate, [term]] of Object.entries(words)) {
        if (!term || Math.abs(Array.from(candidate).length - length) > MAX_SUGGESTION_DISTANCE) continue;
        const distance = levenshtein(word, candidate);
        if (distance <= MAX_SUGGESTION_DISTANCE && (best === null || distance < best[0] ||
            (distance === best[0] && before(candidate, best[1])))) best = [distance, candidate];
      }
    }
    return best && best[1];
  }

  // The candidates whose text has the phrase's terms at consecutive places ("" is any word).
  async function withPhrase(scores, terms) {
    const offsets = terms.map((term, offset) => [offset, term]).filter(([, term]) => term);
    if (!offsets.length) return scores;
    const places = new Map(await Promise.all(offsets.map(async ([, term]) =>
      [term, Object.assign({}, ...(await termShards("places", term)).map((shard) => own(shard, term) || {}))])));
    const [firstOffset, firstTerm] = offsets[0];
    const kept = new Map();
    for (const [doc, score] of scores) {
      let starts = (own(places.get(firstTerm), doc) || []).map((place) => place - firstOffset);
      for (const [offset, term] of offsets.slice(1)) {
        const at = new Set(own(places.get(term), doc) || []);
        starts = starts.filter((start) => at.has(start + offset));
      }
      if (starts.length) kept.set(doc, score);
    }
    return kept;
  }

  async function search(query, facetValues, page) {
    meta = await fetchJSON("meta.json");
    if (meta.version !== FORMAT_VERSION) throw new Error(`the index is format ${meta.version}, not ${FORMAT_VERSION}`);
    tiers = meta.tiers.map((tier, number) => ({ number, split: Object.fromEntries(
      ["terms", "places"].map((folder) => [folder, new Set(tier.split[folder])])) }));
    const parsed = parseQuery(query);
    const chosen = Object.fromEntries(FACETS.filter((name) => facetValues[name]).map((name) => [name, facetValues[name]]));
    const refs = new Map(); // doc → [its recommending states, its level and themes], from the files read
    // All the words shards at once (one round trip), then each word is a plain lookup.
    const shards = new Map();
    await Promise.all([...parsed.words, ...parsed.excluded].map(async (word) => {
      const shard = shardName(word, meta.prefix);
      shards.set(shard, await wordShard(shard));
    }));
    const termOf = (word) => wordEntry(shards.get(shardName(word, meta.prefix)), word)?.[0];

    const suggestions = new Map(), terms = [], excluded = [];
    let missing = false;
    for (const word of parsed.words) {
      const term = termOf(word);
      if (term === undefined) {
        missing = true;
        const suggestion = suggestions.has(word) ? null : await suggest(word);
        if (suggestion !== null) suggestions.set(word, suggestion);
      } else if (term && !terms.includes(term)) terms.push(term);
    }
    for (const word of parsed.excluded) {
      const term = termOf(word);
      if (term && !excluded.includes(term)) excluded.push(term);
    }

    let scores = new Map(); // candidate doc → score
    const matched = new Map(); // candidate doc → how many of the required terms it has
    const full = (doc) => (matched.get(doc) || 0) === terms.length;
    if (missing) {
      // a required word matches nothing: no candidates
    } else if (terms.length) {
      const lists = await Promise.all(terms.map((term) => postings(term, refs)));
      for (const list of lists) {
        for (const [doc, score] of list) {
          scores.set(doc, (scores.get(doc) || 0) + score);
          matched.set(doc, (matched.get(doc) || 0) + 1);
        }
      }
    } else if (Object.keys(chosen).length) {
      scores = new Map([...await facetDocs(chosen, refs)].map((doc) => [doc, 0]));
    }
    if (scores.size) {
      const lists = await Promise.all(excluded.map((term) => postings(term, refs)));
      lists.forEach((list) => list.forEach((_, doc) => scores.delete(doc)));
    }
    if (parsed.phrases.length) scores = new Map([...scores].filter(([doc]) => full(doc))); // exactly these words
    const phrases = parsed.phrases.map((phrase) => phrase.map(termOf));
    for (const phrase of phrases) {
      if (!scores.size) break;
      scores = await withPhrase(scores, phrase);
    }

    // The chosen facets filter; with few docs that have every word, those with some follow;
    // the counts are over what is kept.
    const counts = Object.fromEntries(FACETS.map((name) => [name, new Map()]));
    let complete = 0;
    if (scores.size) {
      const f = await facets();
      const kept = new Map(); // doc → [score, its facet values]
      for (const [doc, score] of scores) {
        const values = valuesOf(f, doc, refs.get(doc) || [0, 0]);
        if (Object.keys(chosen).length && (values === null ||
            Object.entries(chosen).some(([name, value]) => !values[name].includes(value)))) continue;
        kept.set(doc, [score, values]);
      }
      complete = [...kept.keys()].filter(full).length;
      if (complete >= PAGE_SIZE || terms.length < 2) [...kept.keys()].forEach((doc) => full(doc) || kept.delete(doc));
      scores = new Map([...kept].map(([doc, [score]]) => [doc, score]));
      for (const [, values] of kept.values()) {
        for (const name of values ? FACETS : []) {
          values[name].forEach((value) => counts[name].set(value, (counts[name].get(value) || 0) + 1));
        }
      }
    }
    const ranked = [...scores].sort((a, b) =>
      (matched.get(b[0]) || 0) - (matched.get(a[0]) || 0) || b[1] - a[1] || a[0] - b[0]);
    page = Math.max(1, page);
    const shown = ranked.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE);
    const hits = await Promise.all(shown.map(async ([doc, score]) => ({ doc, score, record: await record(doc) })));
    return { query, total: ranked.length, complete, page, pages: Math.ceil(ranked.length / PAGE_SIZE), hits, suggestions,
             facets: counts, terms, phrases, parsed, missing, chosen: Object.entries(chosen) };
  }

  // The term of a word of shown text, through its words shard only if that is already loaded:
  // highlighting fetches nothing, and a word whose shard was not needed stays unmarked.
  function loadedTerm(word) {
    const words = loaded.get(`words/${shardName(word, meta.prefix)}.json`);
    return words ? own(words, word)?.[0] : undefined;
  }

  window.uprSearch = { FACETS, PAGE_SIZE, WORD, before, closest, facets, form, loadedTerm, own, parseQuery, search };
})();
