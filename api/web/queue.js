// The queue: every document with its department, year, status and flags left; filters; a
// sort; and "next document needing review" among those the filters show (open document
// flags first, then the one waiting longest).
import { getJson } from "./api.js";
import { FINISHED, STAGE_NAMES, formatEta, formatTime, h, loadForm, setupChrome, statusBadge } from "./ui.js";

const REFRESH_MS = 4000;
const body = document.querySelector("#queue tbody");
const status = document.getElementById("f-status");
const year = document.getElementById("f-year");
const formFilter = document.getElementById("f-form");
const text = document.getElementById("f-text");
const sort = document.getElementById("f-sort");
let documents = [];

const needsReview = (d) => d.status === "needs_review" && (d.flagged_count || d.open_flags);

// The API lists documents with open document flags first, then the newest.
const SORTS = {
  api: () => 0,
  oldest: (a, b) => a.created_at.localeCompare(b.created_at),
  flags: (a, b) => b.open_flags - a.open_flags || b.flagged_count - a.flagged_count,
  department: (a, b) => (a.department ?? "").localeCompare(b.department ?? "", "zh-CN"),
};

function progress(doc) {
  if (FINISHED.has(doc.status)) return `${doc.pages_total} 页`;
  return `${STAGE_NAMES[doc.stage] ?? doc.stage} ${doc.pages_done}/${doc.pages_total} 页${formatEta(doc.eta_s)}`;
}

function matches(doc) {
  const needle = text.value.trim();
  return (
    (!status.value || doc.status === status.value) &&
    (!year.value || String(doc.year) === year.value) &&
    (!formFilter.value || doc.form === formFilter.value) &&
    (!needle || `${doc.department ?? ""} ${doc.project ?? ""} ${doc.filename}`.includes(needle))
  );
}

function shownDocuments() {
  return documents.filter(matches).sort(SORTS[sort.value] ?? SORTS.api);
}

function render() {
  const shown = shownDocuments();
  body.replaceChildren(
    ...shown.map((doc) =>
      h(
        "tr",
        { dataset: { id: doc.id }, class: doc.flagged_count || doc.open_flags ? "has-flags" : null },
        h("td", {}, doc.department ?? h("span", { class: "muted" }, "（未识别）"), doc.project ? h("div", { class: "muted" }, doc.project) : null),
        h("td", {}, doc.form_name ?? h("span", { class: "muted" }, "—")),
        h("td", {}, doc.year ?? ""),
        h("td", { class: "file" }, doc.filename),
        h("td", {}, statusBadge(doc.status)),
        h("td", { class: "num flags" }, doc.flagged_count || "", doc.open_flags ? h("span", { class: "chip reason-structure", title: "文档标记：页面、栏目或文字未能归入表格" }, ` +${doc.open_flags} 文档标记`) : null),
        h("td", { class: "muted" }, progress(doc)),
        h("td", { class: "muted" }, formatTime(doc.updated_at)),
        h(
          "td",
          { class: "row-actions" },
          needsReview(doc)
            ? h("a", { class: "button primary small", href: `/ui/review?doc=${doc.id}` }, "复核")
            : null,
          ["needs_review", "ready", "accepted"].includes(doc.status)
            ? h("a", { class: "button small", href: `/ui/document?doc=${doc.id}` }, "查看")
            : null,
        ),
      ),
    ),
  );
  document.getElementById("empty").hidden = shown.length > 0;
  document.getElementById("count").textContent = `共 ${shown.length} 份`;
  const waiting = shown.filter(needsReview);
  const next = document.getElementById("next-doc");
  next.disabled = waiting.length === 0;
  next.title = waiting.length ? `还有 ${waiting.length} 份待复核` : "没有待复核的文档";
}

function fillYears() {
  const years = [...new Set(documents.map((d) => d.year).filter(Boolean))].sort().reverse();
  const chosen = year.value;
  year.replaceChildren(h("option", { value: "" }, "全部"), ...years.map((y) => h("option", { value: y }, y)));
  year.value = years.map(String).includes(chosen) ? chosen : "";
}

// The forms the listed documents were read as, for the 表式 filter.
function fillForms() {
  const named = new Map(documents.filter((d) => d.form).map((d) => [d.form, d.form_name ?? d.form]));
  const chosen = formFilter.value;
  formFilter.replaceChildren(h("option", { value: "" }, "全部"), ...[...named].map(([id, name]) => h("option", { value: id }, name)));
  formFilter.value = named.has(chosen) ? chosen : "";
}

async function load() {
  await loadForm();
  const answer = await getJson("/api/v1/documents?limit=500");
  documents = answer.items;
  fillYears();
  fillForms();
  render();
  if (documents.some((d) => !FINISHED.has(d.status))) setTimeout(load, REFRESH_MS);
}

function openNext() {
  // among the documents the filters show: one with open document flags first (a page or rows
  // may be missing), else the one that has waited longest
  const waiting = shownDocuments().filter(needsReview);
  const next = waiting.find((d) => d.open_flags) ?? waiting.sort(SORTS.oldest)[0];
  if (next) location.href = `/ui/review?doc=${next.id}`;
}

setupChrome("queue");
for (const control of [status, formFilter, year, sort]) control.addEventListener("change", render);
text.addEventListener("input", render);
document.getElementById("filters").addEventListener("submit", (event) => event.preventDefault());
document.getElementById("next-doc").addEventListener("click", openNext);
document.addEventListener("keydown", (event) => {
  const typing = event.target.closest("input, select, textarea");
  if (!typing && (event.key === "n" || event.key === "N") && !event.ctrlKey && !event.metaKey) openNext();
});
load();
