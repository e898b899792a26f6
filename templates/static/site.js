// Progressive enhancements only: every page reads fully without this file.
// Copy buttons for citations and links, and sorting and filtering of recommendation tables.
(function () {
  "use strict";

  function setUpCopyButtons() {
    document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
      var source = document.getElementById(button.getAttribute("data-copy"));
      if (!source || !navigator.clipboard) return;
      button.hidden = false;
      var label = button.textContent;
      button.addEventListener("click", function () {
        var text = source.getAttribute("href") || source.textContent;
        navigator.clipboard.writeText(text.trim()).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = label; }, 2000);
        });
      });
    });
  }

  function cellValue(row, index) {
    return (row.cells[index].textContent || "").trim();
  }

  function compareIds(a, b) {
    var x = a.split(/[.-]/).map(Number), y = b.split(/[.-]/).map(Number);
    for (var i = 0; i < Math.max(x.length, y.length); i++) {
      var d = (x[i] || 0) - (y[i] || 0);
      if (d) return d;
    }
    return 0;
  }

  function setUpSorting(table) {
    var headers = table.querySelectorAll("th[data-sort]");
    headers.forEach(function (header, index) {
      header.setAttribute("tabindex", "0");
      header.setAttribute("aria-sort", "none");
      function sort() {
        var ascending = header.getAttribute("aria-sort") !== "ascending";
        headers.forEach(function (h) { h.setAttribute("aria-sort", "none"); });
        header.setAttribute("aria-sort", ascending ? "ascending" : "descending");
        var kind = header.getAttribute("data-sort");
        var rows = Array.prototype.slice.call(table.tBodies[0].rows);
        rows.sort(function (a, b) {
          var x = cellValue(a, index), y = cellValue(b, index);
          var d = kind === "id" ? compareIds(x, y) : kind === "number" ? Number(x) - Number(y) : x.localeCompare(y);
          return ascending ? d : -d;
        });
        rows.forEach(function (row) { table.tBodies[0].appendChild(row); });
      }
      header.addEventListener("click", sort);
      header.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); sort(); }
      });
    });
  }

  function fillOptions(select, values) {
    values.sort().forEach(function (value) {
      var option = document.createElement("option");
      option.value = value;
      option.textContent = value;
      select.appendChild(option);
    });
  }

  function cell(row, content) {
    var td = row.insertCell();
    if (content) td.appendChild(content);
    return td;
  }

  function textNode(text) {
    return document.createTextNode(text);
  }

  // One table row for a record of a review's JSON, like the rows the build writes (a review's
  // own table has no columns for the state under review and the cycle).
  function rowFromRecord(record, oneReview) {
    var row = document.createElement("tr");
    var states = record.recommended_by.map(function (s) { return s.name; });
    row.setAttribute("data-position", record.position);
    row.setAttribute("data-states", states.join("|") + "|");
    row.setAttribute("data-groups", record.recommended_by.map(function (s) { return s.group; }).join("|") + "|");
    row.setAttribute("data-cycle", String(record.cycle));
    var path = new URL(record.permalink).pathname;
    var link = document.createElement("a");
    link.href = path;
    link.textContent = record.id;
    cell(row, link);
    if (!oneReview) {
      var review = document.createElement("a");
      review.href = path.replace(/[^/]+\/$/, "");
      review.textContent = record.state_under_review;
      cell(row, review);
      cell(row, textNode(String(record.cycle)));
    }
    cell(row, textNode(record.text));
    cell(row, textNode(states.join(", ")));
    var badge = document.createElement("span");
    badge.className = "position position-" + record.position;
    badge.textContent = record.position.charAt(0).toUpperCase() + record.position.slice(1);
    cell(row, badge);
    return row;
  }

  function setUpFilters(tools) {
    var table = document.getElementById(tools.getAttribute("data-filter-for"));
    if (!table) return;
    var everything = tools.getAttribute("data-all");
    if (everything) {
      // A long review's table is paged for reading; to filter all its rows, load them all.
      var oneReview = tools.hasAttribute("data-one-review");
      fetch(everything).then(function (response) { return response.json(); }).then(function (records) {
        var body = document.createElement("tbody");
        records.forEach(function (record) { body.appendChild(rowFromRecord(record, oneReview)); });
        table.replaceChild(body, table.tBodies[0]);
        var pages = document.getElementById("list-pages");
        if (pages) pages.hidden = true;
        tools.removeAttribute("data-all");
        setUpFilters(tools);
      });
      return;
    }
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    var sets = { state: {}, group: {}, cycle: {} };
    rows.forEach(function (row) {
      row.getAttribute("data-states").split("|").forEach(function (s) { if (s) sets.state[s] = 1; });
      row.getAttribute("data-groups").split("|").forEach(function (g) { if (g) sets.group[g] = 1; });
      if (row.getAttribute("data-cycle")) sets.cycle[row.getAttribute("data-cycle")] = 1;
    });
    var controls = {};
    tools.querySelectorAll("[data-filter]").forEach(function (control) {
      controls[control.getAttribute("data-filter")] = control;
      var kind = control.getAttribute("data-filter");
      if (sets[kind]) fillOptions(control, Object.keys(sets[kind]));
    });
    var status = tools.querySelector(".filter-status");
    var params = new URLSearchParams(window.location.search);
    Object.keys(controls).forEach(function (kind) {
      var value = params.get(kind === "text" ? "q" : kind);
      if (value) controls[kind].value = value;
    });

    function apply() {
      var words = (controls.text ? controls.text.value : "").toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0;
      rows.forEach(function (row) {
        var text = row.textContent.toLowerCase();
        var ok = words.every(function (w) { return text.indexOf(w) !== -1; });
        if (ok && controls.position && controls.position.value) ok = row.getAttribute("data-position") === controls.position.value;
        if (ok && controls.state && controls.state.value) ok = row.getAttribute("data-states").split("|").indexOf(controls.state.value) !== -1;
        if (ok && controls.group && controls.group.value) ok = row.getAttribute("data-groups").split("|").indexOf(controls.group.value) !== -1;
        if (ok && controls.cycle && controls.cycle.value) ok = row.getAttribute("data-cycle") === controls.cycle.value;
        row.hidden = !ok;
        if (ok) shown++;
      });
      status.textContent = shown + " of " + rows.length + " recommendations shown";
    }
    Object.keys(controls).forEach(function (kind) {
      controls[kind].addEventListener(kind === "text" ? "input" : "change", apply);
    });
    tools.hidden = false;
    apply();
  }

  document.addEventListener("DOMContentLoaded", function () {
    setUpCopyButtons();
    document.querySelectorAll("table.sortable").forEach(setUpSorting);
    document.querySelectorAll(".table-tools[data-filter-for]").forEach(setUpFilters);
  });
})();
