"""A self-contained HTML report to open and share: one file, no external resource, no network.

The page has a summary, tables by principle and by article, and the submissions x principles
matrix (pass / needs review / fail, with scores) as a table that sorts by any column and filters
by severity, principle, organisation and text; each submission opens to its findings with the
quoted evidence, why it matters and how to fix it.

Safety: nothing from a submission is ever parsed as HTML. The data travel as JSON in a
<script type="application/json"> block, with < > & and U+2028/9 written as \\u escapes so that
no "</script>" or "<!--" in a title can end the block; the page's own script reads it with
JSON.parse and builds every element with createElement and textContent (never innerHTML). A
strict Content-Security-Policy allows only this page's own script and style, by hash: an injected
script would not run even if it reached the page.
"""

from __future__ import annotations

import base64
import hashlib
import json
from html import escape
from typing import Any, TextIO

from . import evidence_places, not_checked_note, scores
from .stream import RULE_TEXT, BatchInfo, ReportContext, Spool

STYLE = """
:root { --fail: #b3261e; --review: #8a5a00; --pass: #1e6b35; --na: #6b6b6b; --unread: #5b2c83; --line: #d7d7d7; --bg2: #f5f5f7; }
* { box-sizing: border-box; }
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #1b1b1b; }
header, main { max-width: 1400px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 1.5em; margin: 0 0 4px; }
h2 { font-size: 1.2em; margin: 28px 0 10px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.meta, .note { color: #555; margin: 2px 0; }
.cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 0; }
.card { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 120px; background: var(--bg2); }
.card dt { font-size: .85em; color: #555; }
.card dd { margin: 0; font-size: 1.6em; font-weight: 600; }
.card.violation dd { color: var(--fail); } .card.warning dd { color: var(--review); }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid var(--line); padding: 5px 7px; text-align: left; vertical-align: top; }
th { background: var(--bg2); position: sticky; top: 0; z-index: 1; }
th button { font: inherit; font-weight: 600; border: 0; background: none; cursor: pointer; padding: 0; }
th[aria-sort=ascending] button::after { content: " \\25B2"; } th[aria-sort=descending] button::after { content: " \\25BC"; }
td.num, th.num { text-align: right; }
td.v { text-align: center; font-size: .8em; white-space: nowrap; width: 6.5em; }
.pass { color: var(--pass); } .needs-review { color: var(--review); } .fail { color: var(--fail); font-weight: 600; }
.n-a, .error { color: var(--na); }
.not-checked { color: var(--unread); font-weight: 600; } td.v.not-checked { background: #f1e8f8; }
.unread-badge { display: inline-block; padding: 0 6px; border-radius: 3px; color: #fff; background: var(--unread);
                font-size: 0.85em; margin: 2px 0; }
.unread-text { color: var(--unread); }
td.v.fail { background: #fbe9e7; } td.v.needs-review { background: #fff4d6; } td.v.pass { background: #eaf6ec; }
.filters { display: flex; flex-wrap: wrap; gap: 14px; align-items: end; margin: 8px 0 12px; }
.filters label { display: flex; flex-direction: column; font-size: .85em; color: #444; }
.filters select, .filters input { font: inherit; padding: 3px 4px; min-width: 160px; max-width: 320px; }
.path { color: #555; font-size: .85em; word-break: break-all; }
.doc-title { font-weight: 600; }
button.toggle { font: inherit; font-size: .85em; margin-top: 3px; cursor: pointer; }
tr.details > td { background: #fcfcfd; }
.finding { border-left: 4px solid var(--line); padding: 6px 10px; margin: 8px 0; }
.finding.violation { border-color: var(--fail); } .finding.warning { border-color: var(--review); }
.finding.advice { border-color: #3d6fb6; } .finding.waived { opacity: .7; }
.badge { display: inline-block; font-size: .75em; font-weight: 700; text-transform: uppercase; padding: 1px 6px;
         border-radius: 3px; color: #fff; background: var(--na); margin-right: 6px; }
.badge.violation { background: var(--fail); } .badge.warning { background: var(--review); }
.badge.advice { background: #3d6fb6; }
.rule-id { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: .85em; color: #444; }
.finding dl { margin: 4px 0 0; display: grid; grid-template-columns: max-content 1fr; gap: 2px 10px; }
.finding dt { font-weight: 600; color: #444; } .finding dd { margin: 0; }
.finding ul { margin: 0; padding-left: 18px; }
q { font-style: italic; }
.error-text { color: var(--fail); white-space: pre-wrap; }
#more { margin: 10px 0 30px; font: inherit; cursor: pointer; }
"""

SCRIPT = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("policy-check-data").textContent);
  var meta = data.meta, docs = data.documents, rules = meta.rules;
  var SEVERITIES = ["violation", "warning", "advice"];
  // the policy's principles, and each one's place in a document's verdicts (both from the page's data)
  var PRINCIPLES = Object.keys(meta.principles).map(Number).sort(function (a, b) { return a - b; });
  var COLUMN = {};
  PRINCIPLES.forEach(function (n, i) { COLUMN[n] = i; });
  var PAGE = 200;

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) { node.className = className; }
    if (text !== undefined && text !== null) { node.textContent = String(text); }
    return node;
  }
  // Text from submissions may be Arabic: dir="auto" lets it run right to left, isolated from
  // the English around it.
  function own(node) { node.setAttribute("dir", "auto"); return node; }
  function add(parent) {
    for (var i = 1; i < arguments.length; i++) { if (arguments[i]) { parent.appendChild(arguments[i]); } }
    return parent;
  }
  function plural(n, word) { return n + " " + word + (n === 1 || word === "advice" ? "" : "s"); }
  function cssClass(verdict) { return verdict.replace(/[^a-z]+/g, "-"); }
  function findings(doc) {
    if (!doc._findings) {
      doc._findings = doc.findings.map(function (f) { return Object.assign({}, rules[f.rule] || {}, f); });
    }
    return doc._findings;
  }
  function active(doc) { return findings(doc).filter(function (f) { return f.waived === undefined; }); }
  function count(doc, severity) { return active(doc).filter(function (f) { return f.severity === severity; }).length; }
  function articlesOf(f) {
    return f.articles && f.articles.length ? f.articles.map(function (a) { return "Art. " + a; }).join(", ")
                                           : "Principle " + f.principle;
  }

  // ---- header and summary
  var tool = meta.tool;
  document.getElementById("meta-line").textContent =
    tool.policy.name + " (" + tool.policy.version + ") \u00b7 " + plural(tool.rules, "rule") +
    ", digest " + tool.rules_digest + " \u00b7 policy-check " + tool.version;
  var cards = document.getElementById("summary-cards");
  [["documents", "Submissions"], ["violation", "Violations"], ["warning", "Warnings"], ["advice", "Advice"],
   ["waived", "Waived"], ["known", "Known (baseline)"], ["not_checked", "Not checked (language)"],
   ["partly_checked", "Partly checked"], ["errors", "Could not be checked"]].forEach(function (pair) {
    if (meta.summary[pair[0]] === undefined) { return; }
    if (!meta.summary[pair[0]] && ["known", "not_checked", "partly_checked"].indexOf(pair[0]) >= 0) { return; }
    var card = el("div", "card " + pair[0]);
    card.setAttribute("data-summary", pair[0]);
    add(cards, add(card, el("dt", "", pair[1]), el("dd", "", meta.summary[pair[0]])));
  });
  var skipped = meta.batch || {};
  if (skipped.hidden || skipped.unsupported) {
    var parts = [];
    if (skipped.hidden) { parts.push(skipped.hidden + " hidden"); }
    if (skipped.unsupported) {
      var kinds = Object.keys(skipped.unsupported_suffixes || {}).map(function (s) {
        return s + " " + skipped.unsupported_suffixes[s];
      });
      parts.push(skipped.unsupported + " unsupported" + (kinds.length ? " (" + kinds.join(", ") + ")" : ""));
    }
    document.getElementById("skipped").textContent = "Skipped: " + parts.join(", ") + " file(s).";
  }
  if (skipped.baseline) {
    document.getElementById("baseline").textContent = "Baseline " + skipped.baseline.file + ": " +
      skipped.baseline["new"] + " new finding(s) shown, " + skipped.baseline.known + " already known hidden, " +
      skipped.baseline.resolved + " resolved since then.";
  }

  // ---- by principle
  var assessed = {};
  meta.assessed.forEach(function (n) { assessed[n] = true; });
  var principleBody = document.getElementById("principle-rows");
  PRINCIPLES.forEach(function (n) {
    var counts = {violation: 0, warning: 0, advice: 0}, verdicts = {"fail": 0, "needs review": 0, "pass": 0};
    var total = 0, scored = 0;
    docs.forEach(function (doc) {
      active(doc).forEach(function (f) { if (f.principle === n) { counts[f.severity] += 1; } });
      var v = doc.verdicts[COLUMN[n]];
      if (meta.scoring[v] !== undefined) { verdicts[v] += 1; scored += 1; total += meta.scoring[v]; }
    });
    var row = el("tr");
    row.setAttribute("data-principle", n);
    add(row, el("td", "", n), el("td", "", meta.principles[String(n)] || ""));
    SEVERITIES.forEach(function (s) { add(row, el("td", "num " + s, counts[s])); });
    if (assessed[n]) {
      add(row, el("td", "num fail", verdicts["fail"]), el("td", "num needs-review", verdicts["needs review"]),
          el("td", "num pass", verdicts["pass"]),
          el("td", "num", scored ? (Math.round(total / scored * 10) / 10) : ""));
    } else {
      var na = el("td", "n-a", "not assessed: no rule for this principle yet");
      na.colSpan = 4;
      add(row, na);
    }
    add(principleBody, row);
  });

  // ---- by article
  var articles = {};
  docs.forEach(function (doc) {
    var seen = {};
    active(doc).forEach(function (f) {
      (f.articles.length ? f.articles : ["P" + f.principle]).forEach(function (a) {
        var entry = articles[a] || (articles[a] = {principle: f.principle, findings: 0, docs: 0, rules: {}});
        entry.findings += 1;
        entry.rules[f.rule] = true;
        if (!seen[a]) { seen[a] = true; entry.docs += 1; }
      });
    });
  });
  var articleBody = document.getElementById("article-rows");
  Object.keys(articles).sort(function (a, b) {
    var pa = a.replace("P", "").split(".").map(Number), pb = b.replace("P", "").split(".").map(Number);
    return (pa[0] - pb[0]) || ((pa[1] || 0) - (pb[1] || 0));
  }).forEach(function (a) {
    var entry = articles[a], row = el("tr");
    row.setAttribute("data-article", a);
    add(articleBody, add(row, el("td", "", a.charAt(0) === "P" ? "Principle " + a.slice(1) : "Art. " + a),
      el("td", "", entry.principle), el("td", "num", entry.findings), el("td", "num", entry.docs),
      el("td", "rule-id", Object.keys(entry.rules).sort().join(", "))));
  });
  if (!Object.keys(articles).length) {
    var none = el("td", "note", "No findings.");
    none.colSpan = 5;
    add(articleBody, add(el("tr"), none));
  }

  // ---- submissions: filters, sorting, matrix rows
  var fSeverity = document.getElementById("f-severity"), fPrinciple = document.getElementById("f-principle");
  var fOrg = document.getElementById("f-org"), fText = document.getElementById("f-text");
  PRINCIPLES.forEach(function (n) {
    var option = el("option", "", "P" + n + ": " + (meta.principles[String(n)] || ""));
    option.value = String(n);
    add(fPrinciple, option);
  });
  var orgs = {};
  docs.forEach(function (doc) { orgs[doc.organisation || ""] = true; });
  Object.keys(orgs).sort().forEach(function (o) {
    var option = el("option", "", o || "(none stated)");
    option.value = o;
    option.setAttribute("data-org", o);
    add(fOrg, option);
  });
  var head = document.getElementById("matrix-head");
  PRINCIPLES.forEach(function (n) {
    var th = el("th", "num");
    th.setAttribute("data-sort", "P" + n);
    th.title = meta.principles[String(n)] || "";
    add(head, add(th, el("button", "", "P" + n)));
  });
  var scoreTh = el("th", "num");
  scoreTh.setAttribute("data-sort", "score");
  add(head, add(scoreTh, el("button", "", "Score")));

  var sortKey = "path", sortDir = 1, shown = PAGE;
  var VERDICT_ORDER = {"fail": 0, "needs review": 1, "pass": 2, "not checked": 3, "n/a": 4, "error": 5};
  function keyOf(doc, key) {
    if (key === "title") { return (doc.title || doc.path).toLowerCase(); }
    if (key === "organisation") { return (doc.organisation || "").toLowerCase(); }
    if (key === "score") { return doc.score === null ? -1 : doc.score; }
    if (SEVERITIES.indexOf(key) >= 0) { return count(doc, key); }
    if (key.charAt(0) === "P") { return VERDICT_ORDER[doc.verdicts[COLUMN[Number(key.slice(1))]]]; }
    return doc.path;
  }
  function matches(doc) {
    var sev = fSeverity.value, p = fPrinciple.value, org = fOrg.value, text = fText.value.trim().toLowerCase();
    if (org !== "*" && (doc.organisation || "") !== org) { return false; }
    if (text && (doc.path + " " + doc.title + " " + doc.id + " " + doc.organisation).toLowerCase().indexOf(text) < 0) {
      return false;
    }
    if (sev === "error") { return doc.error !== null; }
    if (sev === "unread") { return doc.unread !== ""; }
    if (sev === "clean") { return doc.error === null && doc.unread === "" && active(doc).length === 0; }
    if (sev === "*" && p === "*") { return true; }
    return active(doc).some(function (f) {
      return (sev === "*" || f.severity === sev) && (p === "*" || f.principle === Number(p));
    });
  }
  function placeOf(e) {  // each evidence is given where to show it (compact_document)
    if (!e.line) { return ""; }
    return "line " + e.line + (e.column ? ", column " + e.column : "") + " \u00b7 ";
  }
  function findingNode(f, doc) {
    var box = el("div", "finding " + f.severity + (f.waived !== undefined ? " waived" : ""));
    box.setAttribute("data-rule", f.rule);
    add(box, add(el("div"), el("span", "badge " + f.severity, f.severity),
                 f.baseline === "known" ? el("span", "badge known", "known") : null, el("strong", "", f.title),
                 el("span", "rule-id", "  " + f.rule + " \u00b7 " + articlesOf(f))));
    var dl = el("dl");
    add(dl, el("dt", "", "What"), el("dd", "", f.message));
    if (f.evidence.length) {
      var list = el("ul");
      f.evidence.forEach(function (e) {
        var item = el("li", "evidence");
        if (e.missing) {  // a prose draft: what it does not say, not which field is empty
          add(item, el("span", "path", placeOf(e)), el("em", "", e.missing));
        } else {
          add(item, el("span", "path", placeOf(e) + e.field + ": "));
          add(item, e.quote === null ? el("em", "", "not stated") : own(el("q", "quote", e.quote)));
        }
        add(list, item);
      });
      add(dl, el("dt", "", "Evidence"), add(el("dd"), list));
    }
    add(dl, el("dt", "", "Why"), el("dd", "", f.rationale), el("dt", "", "How to fix"), el("dd", "remediation", f.remediation));
    if (f.waived !== undefined) { add(dl, el("dt", "", "Waived"), el("dd", "", f.waived)); }
    return add(box, dl);
  }
  function detailsRow(doc) {
    var row = el("tr", "details"), cell = el("td");
    cell.colSpan = 16;
    if (doc.error !== null) { add(cell, el("p", "error-text", doc.error)); }
    if (doc.unread !== "") { add(cell, el("p", "unread-text", doc.unread)); }
    doc.warnings.forEach(function (w) { add(cell, el("p", "note", "Note: " + w)); });
    var list = findings(doc).slice().sort(function (a, b) {
      return (a.waived !== undefined) - (b.waived !== undefined);
    });
    list.forEach(function (f) { add(cell, findingNode(f, doc)); });
    if (doc.error === null && !list.length) {
      add(cell, el("p", "note", doc.status === "not_checked" ? "Nothing was read." : "No findings."));
    }
    return add(row, cell);
  }
  function docRow(doc) {
    var row = el("tr", "doc-row");
    row.setAttribute("data-path", doc.path);
    var first = el("td");
    add(first, own(el("div", "doc-title", doc.title || doc.path)));
    if (doc.title) { add(first, own(el("div", "path", doc.path))); }
    if (doc.unread !== "") {
      var badge = el("div", "unread-badge", doc.status === "not_checked" ? "Not checked" : "Partly checked");
      badge.title = doc.unread;
      add(first, badge);
    }
    var toggle = el("button", "toggle", doc.error !== null ? "Show error" : "Show findings");
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      if (open) { row.parentNode.removeChild(row.nextSibling); }
      else { row.parentNode.insertBefore(detailsRow(doc), row.nextSibling); }
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      toggle.textContent = open ? (doc.error !== null ? "Show error" : "Show findings") : "Hide";
    });
    add(first, toggle);
    add(row, first, own(el("td", "org", doc.organisation)));
    SEVERITIES.forEach(function (s) { add(row, el("td", "num " + s, doc.error !== null ? "" : count(doc, s))); });
    doc.verdicts.forEach(function (v, i) {
      var cell = el("td", "v " + cssClass(v), v);
      cell.setAttribute("data-principle", PRINCIPLES[i]);
      add(row, cell);
    });
    add(row, el("td", "num score", doc.score === null ? "" : doc.score));
    return row;
  }
  function render() {
    var list = docs.filter(matches);
    list.sort(function (a, b) {
      // a draft that was not (fully) read is never ranked above one that was, whichever the direction
      if (sortKey === "score" || sortKey.charAt(0) === "P") {
        var ua = a.unread !== "" || a.error !== null, ub = b.unread !== "" || b.error !== null;
        if (ua !== ub) { return ua ? 1 : -1; }
      }
      var ka = keyOf(a, sortKey), kb = keyOf(b, sortKey);
      if (ka < kb) { return -sortDir; }
      if (ka > kb) { return sortDir; }
      return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
    });
    var body = document.getElementById("matrix-rows");
    while (body.firstChild) { body.removeChild(body.firstChild); }
    list.slice(0, shown).forEach(function (doc) { add(body, docRow(doc)); });
    document.getElementById("shown-count").textContent =
      "Showing " + Math.min(shown, list.length) + " of " + list.length + " matching submissions (" + docs.length + " in all)";
    document.getElementById("shown-count").setAttribute("data-matching", list.length);
    var more = document.getElementById("more");
    more.hidden = list.length <= shown;
    more.textContent = "Show " + Math.min(PAGE, list.length - shown) + " more";
  }
  Array.prototype.forEach.call(document.querySelectorAll("#matrix-head th[data-sort]"), function (th) {
    th.querySelector("button").addEventListener("click", function () {
      var key = th.getAttribute("data-sort");
      sortDir = key === sortKey ? -sortDir : 1;
      sortKey = key;
      Array.prototype.forEach.call(document.querySelectorAll("#matrix-head th"), function (other) {
        other.removeAttribute("aria-sort");
      });
      th.setAttribute("aria-sort", sortDir === 1 ? "ascending" : "descending");
      render();
    });
  });
  [fSeverity, fPrinciple, fOrg].forEach(function (s) { s.addEventListener("change", function () { shown = PAGE; render(); }); });
  fText.addEventListener("input", function () { shown = PAGE; render(); });
  document.getElementById("more").addEventListener("click", function () { shown += PAGE; render(); });
  render();
  document.body.setAttribute("data-ready", "true");
})();
"""


def csp_hash(text: str) -> str:
    """The CSP source that allows exactly this inline script or style."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


CSP = ("default-src 'none'; script-src " + csp_hash(SCRIPT) + "; style-src " + csp_hash(STYLE)
       + "; img-src 'none'; connect-src 'none'; base-uri 'none'; form-action 'none'")

def page_head(title: str, csp: str, version: str, style: str) -> str:
    """How every page of ours opens (the audit report, the register's page): a strict
    Content-Security-Policy, no referrer, the generator named."""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{csp}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="policy-check {escape(version, quote=True)}">
<title>{escape(title)}</title>
<style>{style}</style>
</head>
"""


BODY_TOP = """<body>
<header>
<h1>Audit against the IFRC Policy on Migration</h1>
<p class="meta" id="meta-line"></p>
<noscript><p class="error-text">This report is drawn by a script in the page; allow scripts for this file to see it.
The same results are available with --format json, csv or matrix.</p></noscript>
</header>
<main>
<section id="summary" aria-labelledby="summary-h">
<h2 id="summary-h">Summary</h2>
<dl class="cards" id="summary-cards"></dl>
<p class="note" id="skipped"></p>
<p class="note" id="baseline"></p>
</section>
<section id="by-principle" aria-labelledby="principle-h">
<h2 id="principle-h">By principle</h2>
<p class="note">Findings not waived, and how many submissions fail, need review or pass each principle
(fail: a violation; needs review: a warning; scores {scores}).</p>
<table>
<thead><tr><th>#</th><th>Principle</th><th class="num">Violations</th><th class="num">Warnings</th><th class="num">Advice</th>
<th class="num">Fail</th><th class="num">Needs review</th><th class="num">Pass</th><th class="num">Average score</th></tr></thead>
<tbody id="principle-rows"></tbody>
</table>
</section>
<section id="by-article" aria-labelledby="article-h">
<h2 id="article-h">By article</h2>
<table>
<thead><tr><th>Article</th><th>Principle</th><th class="num">Findings</th><th class="num">Submissions</th><th>Rules</th></tr></thead>
<tbody id="article-rows"></tbody>
</table>
</section>
<section id="submissions" aria-labelledby="submissions-h">
<h2 id="submissions-h">Submissions &times; principles</h2>
<div class="filters" role="search">
<label>Severity <select id="f-severity">
<option value="*">Any</option><option value="violation">Violation</option><option value="warning">Warning</option>
<option value="advice">Advice</option><option value="unread">Not checked (language)</option><option value="error">Could not be checked</option><option value="clean">No findings</option>
</select></label>
<label>Principle <select id="f-principle"><option value="*">Any</option></select></label>
<label>Organisation <select id="f-org"><option value="*">Any</option></select></label>
<label>Search <input id="f-text" type="search" placeholder="title, path or id"></label>
<span class="note" id="shown-count" aria-live="polite"></span>
</div>
<table id="matrix">
<thead><tr id="matrix-head"><th data-sort="title"><button type="button">Submission</button></th>
<th data-sort="organisation"><button type="button">Organisation</button></th>
<th class="num" data-sort="violation"><button type="button">V</button></th>
<th class="num" data-sort="warning"><button type="button">W</button></th>
<th class="num" data-sort="advice"><button type="button">A</button></th></tr></thead>
<tbody id="matrix-rows"></tbody>
</table>
<button type="button" id="more" hidden></button>
</section>
</main>
"""


def script_json(value: Any) -> str:
    """JSON that is inert inside a <script> element: no '<', '>' or '&' (so no '</script>' and no
    '<!--'), and no U+2028/U+2029 (line terminators in old JavaScript parsers)."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def compact_document(document: dict[str, Any], context: ReportContext) -> dict[str, Any]:
    """A document for the page: rule texts that equal the rule catalogue's are left out (the page
    puts them back), each evidence is given the line and column to show it at, and the matrix
    verdicts and score are added."""
    findings = []
    for finding in document["findings"]:
        known = context.rules.get(finding["rule"], {})
        compact = {k: v for k, v in finding.items() if not (k in RULE_TEXT and known.get(k) == v)}
        # each evidence at the line and column to show it at (the first at the finding's location)
        compact["evidence"] = [dict(e, line=line, column=column) for e, line, column in evidence_places(finding)]
        findings.append(compact)
    by_principle = scores.verdicts(document, context.principles, context.assessed)
    return {"path": document["path"], "id": document["id"], "title": document["title"],
            "organisation": document["organisation"], "status": document["status"], "error": document["error"],
            "unread": not_checked_note(document), "warnings": document["warnings"], "findings": findings,
            "verdicts": list(by_principle.values()), "score": scores.overall(by_principle, context.scoring)}


class HtmlWriter:
    def __init__(self, out: TextIO, context: ReportContext) -> None:
        self.out = out
        self.context = context
        self.documents = Spool()
        self.count = 0

    def begin(self) -> None:
        pass

    def add(self, document: dict[str, Any]) -> None:
        self.documents.write(("," if self.count else "") + "\n" + script_json(compact_document(document, self.context)))
        self.count += 1

    def finish(self, summary: dict[str, int], batch: BatchInfo) -> None:
        head = self.context.header
        meta = {"tool": head["tool"], "principles": head["principles"], "rules": self.context.rules,
                "assessed": list(self.context.assessed), "scoring": self.context.scoring,
                "fail_on": self.context.fail_on, "summary": summary,
                "batch": batch.to_dict()}
        self.out.write(page_head("policy-check audit report", CSP, str(head["tool"]["version"]), STYLE)
                       + BODY_TOP.replace("{scores}", " / ".join(scores.format_score(self.context.scoring[v])
                                                                 for v in (scores.FAIL, scores.REVIEW, scores.PASS))))
        self.out.write('<script type="application/json" id="policy-check-data">{"meta":' + script_json(meta)
                       + ',"documents":[')
        self.documents.copy_to(self.out)
        self.documents.close()
        self.out.write("\n]}</script>\n<script>" + SCRIPT + "</script>\n</body>\n</html>\n")
