// Document view: the reconstructed table laid out like the paper form, section by section in
// the template's order, with flagged and corrected values marked, the audit trail and exports.
import { download, getJson, request } from "./api.js";
import {
  FIELD_STATUS_NAMES,
  fieldLabel,
  formatTime,
  h,
  labelText,
  loadForm,
  param,
  showValue,
  statusBadge,
  setupChrome,
  toast,
} from "./ui.js";

const docId = param("doc");
const base = `/api/v1/documents/${docId}`;
const COLUMNS = 5;

// Where the budget's values sit on paper: two label/value pairs per row, with the template's
// header texts (by index) on the rows that carry them.
const BUDGET_ROWS = [
  { headers: [0, 1, 2, 1] },
  { pairs: ["basic_expenditure", "fiscal_appropriation"] },
  { pairs: ["project_expenditure", "other_funds"] },
  { headers: [3, 1, 4, 1] },
  { pairs: ["special_funds", "city_level_funds"] },
  { pairs: ["other_development_expenditure", "transfer_payment_funds"] },
];

let records = new Map(); // path -> field record of the export
let before = new Map(); // path -> first correction (original value, who)

function valueCell(path, value, props = {}) {
  const record = records.get(path);
  const status = record?.status ?? "accepted";
  const original = before.get(path);
  const title =
    status === "corrected" && original
      ? `已更正 · 原值：${showValue(original.before)} · ${original.who}`
      : FIELD_STATUS_NAMES[status];
  const cell = h(
    "td",
    { ...props, class: `value cell-${status}`, title, dataset: { path }, tabindex: 0 },
    value === null || value === undefined ? "" : String(value),
    status === "corrected" ? h("span", { class: "tag" }, "已更正") : null,
  );
  const open = () => {
    location.href = `/ui/review?doc=${docId}&field=${encodeURIComponent(path)}`;
  };
  cell.addEventListener("click", open);
  cell.addEventListener("keydown", (event) => event.key === "Enter" && open());
  return cell;
}

function labelCell(text, props = {}) {
  return h("th", { ...props, class: `label ${props.class ?? ""}` }, text);
}

function sectionLabel(section, rows) {
  return labelCell(section.labels[0], { rowspan: rows, class: rows > 2 ? "vertical" : "" });
}

function valueRows(section, content) {
  return [h("tr", {}, sectionLabel(section, 1), valueCell(section.field, content[section.field], { colspan: COLUMNS - 1 }))];
}

function pairRows(section, content) {
  const label = (key) => section.pairs.find((p) => p.field === `${section.key}.${key}`)?.labels[0] ?? key;
  const pairCells = (key) => [labelCell(label(key)), valueCell(`${section.key}.${key}`, content[section.key][key])];
  const layout =
    section.key === "budget"
      ? BUDGET_ROWS
      : Array.from({ length: Math.ceil(section.pairs.length / 2) }, (_, i) => ({
          pairs: section.pairs.slice(2 * i, 2 * i + 2).map((p) => p.field.split(".").at(-1)),
        }));
  const rows = layout.map((row) =>
    row.headers
      ? h("tr", {}, row.headers.map((i) => h("th", { class: "head" }, section.headers[i] ?? "")))
      : h("tr", {}, row.pairs.flatMap(pairCells)),
  );
  rows[0].prepend(sectionLabel(section, rows.length));
  return rows;
}

// How many rows from `start` share the carried-down columns up to `depth`: the merged cell.
function runLength(items, start, keys, depth) {
  let end = start + 1;
  const same = (a, b) => keys.slice(0, depth + 1).every((k) => a[k] === b[k]);
  while (end < items.length && same(items[end], items[start])) end += 1;
  return end - start;
}

function listRows(section, content) {
  const items = content[section.list] ?? [];
  const merged = section.carry_down;
  const header = h("tr", {}, section.columns.map((c) => h("th", { class: "head" }, c.labels[0])));
  const rows = items.map((item, i) => {
    const cells = section.columns.map((column, c) => {
      const depth = merged.indexOf(column.key);
      const path = `${section.list}[${i}].${column.key}`;
      if (depth < 0) return valueCell(path, item[column.key]);
      const starts = i === 0 || runLength(items, i - 1, merged, depth) === 1;
      if (!starts) return null; // covered by the merged cell above
      return valueCell(path, item[column.key], { rowspan: runLength(items, i, merged, depth), class: `merged c${c}` });
    });
    return h("tr", {}, cells.filter(Boolean));
  });
  const all = [header, ...rows];
  all[0].prepend(sectionLabel(section, all.length));
  return all;
}

const LAYOUTS = { value: valueRows, pairs: pairRows, rows: listRows };

function renderForm(form, content) {
  const table = document.getElementById("form");
  table.replaceChildren(
    h("colgroup", {}, ["c-label", "c1", "c2", "c3", "c4"].map((c) => h("col", { class: c }))),
    h("tbody", {}, form.sections.flatMap((section) => LAYOUTS[section.layout](section, content))),
  );
  document.getElementById("form-title").textContent =
    content.title ?? `${content.year ?? ""}年${form.name}`;
}

function renderAudit(form, corrections, values) {
  document.querySelector("#audit tbody").replaceChildren(
    ...corrections.map((c) => {
      return h(
        "tr",
        {},
        h("td", { class: "muted" }, formatTime(c.at)),
        h("td", {}, labelText(fieldLabel(form, c.path, values))),
        h("td", { class: "old" }, showValue(c.before)),
        h("td", { class: "new" }, c.before === c.after ? `${showValue(c.after)}（确认原值）` : showValue(c.after)),
        h("td", {}, c.who),
        h("td", { class: "muted" }, c.comment ?? ""),
      );
    }),
  );
  document.getElementById("no-audit").hidden = corrections.length > 0;
}

async function start() {
  setupChrome("document");
  document.getElementById("to-review").href = `/ui/review?doc=${docId}`;
  const doc = await getJson(base);
  document.getElementById("doc-title").textContent = doc.department ?? doc.filename;
  const accepted = doc.accepted_by ? ` · 由 ${doc.accepted_by} 接受` : "";
  document
    .getElementById("doc-meta")
    .replaceChildren(
      statusBadge(doc.status),
      ` ${doc.filename} · ${doc.pages_total} 页 · 待复核 ${doc.flagged_count} 项${accepted}`,
    );
  if (!doc.flagged_count) document.getElementById("to-review").hidden = true;
  const [form, content, corrections] = await Promise.all([
    loadForm(),
    (await request(`${base}/export?format=json`)).json(),
    getJson(`${base}/corrections`),
  ]);
  records = new Map(content.fields.map((f) => [f.path, f]));
  before = new Map();
  for (const c of corrections) if (!before.has(c.path)) before.set(c.path, c);
  renderForm(form, content);
  renderAudit(form, corrections, new Map(content.fields.map((f) => [f.path, f.value])));
  for (const button of document.querySelectorAll("[data-format]")) {
    const format = button.dataset.format;
    button.addEventListener("click", () =>
      download(`${base}/export?format=${format}`, `${docId}.${format === "csv" ? "zip" : format}`).catch((error) =>
        toast(`导出失败：${error.message}`, "error"),
      ),
    );
  }
}

start().catch((error) =>
  document.querySelector(".sheet").replaceChildren(h("p", { class: "error-text" }, `加载失败：${error.message}`)),
);
