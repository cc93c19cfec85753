// Document view: the reconstructed table laid out like the paper form, section by section in
// the template's order, with flagged and corrected values marked, the document flags, rows
// added or deleted in place, acceptance, the audit trail and exports.
import { download, getJson, request, sendJson } from "./api.js";
import { addRowDialog, ensureReviewerName } from "./rows.js";
import {
  ACTION_NAMES,
  FIELD_STATUS_NAMES,
  fieldLabel,
  flaggedList,
  formatTime,
  h,
  labelText,
  loadForm,
  param,
  showValue,
  statusBadge,
  setupChrome,
  toast,
  valueAt,
} from "./ui.js";

const docId = param("doc");
const base = `/api/v1/documents/${docId}`;

let records = new Map(); // path -> field record of the export
let before = new Map(); // path -> first correction (original value, who)
let doc = null;
let form = null;
let content = null;

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

// Columns right of the label column, where a section's cells are laid out.
const inner = () => form.columns - 1;

// `total` columns shared out among `parts` cells, the last taking what is left.
function spans(total, parts) {
  const each = Math.floor(total / parts);
  return Array.from({ length: parts }, (_, i) => (i === parts - 1 ? total - each * (parts - 1) : each));
}

function valueRows(section, content) {
  return [h("tr", {}, sectionLabel(section, 1), valueCell(section.field, valueAt(content, section.field), { colspan: inner() }))];
}

// A pair's label and value (and the code printed before a name) over `width` columns.
function pairCells(pair, content, width, labelProps = {}) {
  const cells = [labelCell(pair.title ?? pair.labels[0], labelProps)];
  const room = labelProps.class === "first" ? width : width - 1;
  if (pair.code_field) {
    cells.push(valueCell(pair.code_field, valueAt(content, pair.code_field)));
    cells.push(valueCell(pair.field, valueAt(content, pair.field), { colspan: Math.max(1, room - 1) }));
  } else {
    cells.push(valueCell(pair.field, valueAt(content, pair.field), { colspan: Math.max(1, room) }));
  }
  return cells;
}

function pairRows(section, content) {
  if (section.printed_rows.length) {
    // The block as the template says the paper prints it: header rows and rows of pairs, a
    // label and a value cell each (the template checks they fill the columns).
    const pairs = new Map(section.pairs.map((p) => [p.field, p]));
    const rows = section.printed_rows.map((row) =>
      row.headers.length
        ? h("tr", {}, row.headers.map((text) => h("th", { class: "head" }, text)))
        : h("tr", {}, row.pairs.flatMap((field) => pairCells(pairs.get(field), content, 2))),
    );
    rows[0].prepend(sectionLabel(section, rows.length));
    return rows;
  }
  const groups = Array.from({ length: Math.ceil(section.pairs.length / 2) }, (_, i) => section.pairs.slice(2 * i, 2 * i + 2));
  if (section.labels_in_first_column) {
    // Every row starts with a pair's label in the label column.
    return groups.map((group) => {
      const widths = spans(form.columns, group.length);
      return h("tr", {}, group.flatMap((pair, i) => pairCells(pair, content, widths[i], i === 0 ? { class: "first" } : {})));
    });
  }
  const rows = groups.map((group) => {
    const widths = spans(inner(), group.length);
    return h("tr", {}, group.flatMap((pair, i) => pairCells(pair, content, widths[i])));
  });
  rows[0].prepend(sectionLabel(section, rows.length));
  return rows;
}

// A header row naming the cells under it (中期目标 | 年度目标).
function headedRows(section, content) {
  const widths = spans(inner(), section.columns.length);
  const head = h("tr", {}, section.columns.map((c, i) => h("th", { class: "head", colspan: widths[i] }, c.labels[0])));
  const values = h("tr", {}, section.columns.map((c, i) => valueCell(c.key, valueAt(content, c.key), { colspan: widths[i] })));
  head.prepend(sectionLabel(section, 2));
  return [head, values];
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
  const halves = section.halves;
  // A table of two halves shows each item's half first, merged over the half's rows.
  const columns = halves ? [{ key: halves.field, labels: ["期间"] }, ...section.columns] : section.columns;
  const merged = halves ? [halves.field, ...section.carry_down] : section.carry_down;
  const shown = (key, value) => (halves && key === halves.field ? (halves.titles[value] ?? value) : value);
  const last = { colspan: Math.max(1, inner() - columns.length + 1) };
  const header = h("tr", {}, columns.map((c, k) => h("th", { class: "head", ...(k === columns.length - 1 ? last : {}) }, c.labels[0])));
  const rows = items.map((item, i) => {
    const cells = columns.map((column, c) => {
      const depth = merged.indexOf(column.key);
      const path = `${section.list}[${i}].${column.key}`;
      const value = shown(column.key, item[column.key]);
      if (depth < 0) return valueCell(path, value, c === columns.length - 1 ? last : {});
      const starts = i === 0 || runLength(items, i - 1, merged, depth) === 1;
      if (!starts) return null; // covered by the merged cell above
      return valueCell(path, value, { rowspan: runLength(items, i, merged, depth), class: `merged c${c}` });
    });
    const named = cells.find((c, k) => c && columns[k].key === "name");
    named?.append(rowTools(section.list, i));
    return h("tr", {}, cells.filter(Boolean));
  });
  const all = [header, ...rows];
  all[0].prepend(sectionLabel(section, all.length));
  return all;
}

// ＋ inserts a row before this one, × deletes it (the values stay in the audit trail).
function rowTools(list, index) {
  const add = h("button", { type: "button", class: "small", title: "在此行前插入一行", dataset: { add: `${list}:${index}` } }, "＋");
  const remove = h("button", { type: "button", class: "small", title: "删除此行", dataset: { remove: `${list}:${index}` } }, "×");
  add.addEventListener("click", (event) => {
    event.stopPropagation();
    addRow(list, index);
  });
  remove.addEventListener("click", (event) => {
    event.stopPropagation();
    removeRow(list, index);
  });
  return h("span", { class: "row-tools" }, add, remove);
}

async function addRow(list, index, flagIndex = null) {
  if (await addRowDialog({ base, form, doc, content, list, index, flagIndex })) await load();
}

async function removeRow(list, index) {
  const named = form.sections.find((s) => s.list === list)?.labels[0] ?? list;
  const why = window.prompt(`删除${named}第 ${index + 1} 行？请说明原因（记入修改记录）：`, "");
  if (why === null) return;
  try {
    await request(`${base}/rows/${list}/${index}`, { method: "DELETE", json: { revision: doc.revision, comment: why.trim() || null } });
    toast(`已删除第 ${index + 1} 行`, "ok");
    await load();
  } catch (error) {
    toast(`删除失败：${error.message}`, "error");
  }
}

const FLAG_NAMES = { page_unread: "整页未识别", section_incomplete: "栏目缺行", unassigned_text: "未归属的文字" };

function renderFlags(flags) {
  document.getElementById("doc-flags").hidden = flags.length === 0;
  document.querySelector("#flags tbody").replaceChildren(
    ...flags.map((flag, i) => {
      const open = flag.status === "open";
      const note = h("input", { type: "text", placeholder: "核对结果（必填）", dataset: { flag: i } });
      const resolve = h("button", { type: "button", class: "small" }, "标记已处理");
      resolve.addEventListener("click", async () => {
        try {
          await sendJson("POST", `${base}/document-flags/${i}/resolve`, { revision: doc.revision, comment: note.value });
          await load();
        } catch (error) {
          toast(`未能处理：${error.message}`, "error");
        }
      });
      const list = flaggedList(form, flag);
      const add = h("button", { type: "button", class: "small primary", dataset: { fromFlag: i } }, "补录为一行");
      add.addEventListener("click", () => addRow(list, (content[list] ?? []).length, flag.reason === "unassigned_text" ? i : null));
      return h(
        "tr",
        { class: open ? null : "resolved" },
        h("td", {}, FLAG_NAMES[flag.reason] ?? flag.reason),
        h("td", {}, flag.page ?? ""),
        h("td", {}, flag.message),
        h("td", {}, flag.text ?? ""),
        h("td", {}, open ? "待处理" : "已处理"),
        h("td", { class: "row-actions" }, open ? [add, note, resolve] : null),
      );
    }),
  );
}

const LAYOUTS = { value: valueRows, pairs: pairRows, rows: listRows, headed: headedRows };

// A section the form may leave out (narrative rows some regions print) is shown where the
// scan has it: a value, or a cell it was read from.
function printed(section, content) {
  if (!section.optional || section.layout !== "value") return true;
  return valueAt(content, section.field) != null || records.get(section.field)?.bbox != null;
}

function renderForm(form, content) {
  const table = document.getElementById("form");
  const columns = Array.from({ length: form.columns }, (_, i) => h("col", { class: i === 0 ? "c-label" : `c${i}` }));
  table.replaceChildren(
    h("colgroup", {}, columns),
    h("tbody", {}, form.sections.filter((s) => printed(s, content)).flatMap((section) => LAYOUTS[section.layout](section, content))),
  );
  document.getElementById("form-title").textContent =
    content.title ?? `${content.year ?? ""}年${form.name}`;
}

function shown(value) {
  return value !== null && typeof value === "object" ? Object.values(value).filter(Boolean).join(" · ") : showValue(value);
}

function renderAudit(form, corrections, values) {
  document.querySelector("#audit tbody").replaceChildren(
    ...corrections.map((c) => {
      const onField = c.action === "correct" || c.action === "undo";
      const path = c.field_path ?? c.path;
      return h(
        "tr",
        {},
        h("td", { class: "muted" }, formatTime(c.at)),
        h("td", {}, ACTION_NAMES[c.action] ?? c.action),
        h("td", {}, onField ? labelText(fieldLabel(form, path, values)) : c.path),
        h("td", { class: "old" }, shown(c.before)),
        h("td", { class: "new" }, c.action === "correct" && c.before === c.after ? `${showValue(c.after)}（确认原值）` : shown(c.after)),
        h("td", {}, c.who),
        h("td", { class: "muted" }, c.comment ?? ""),
      );
    }),
  );
  document.getElementById("no-audit").hidden = corrections.length > 0;
}

async function load() {
  doc = await getJson(base);
  document.getElementById("doc-title").textContent =
    [doc.department, doc.project].filter(Boolean).join(" · ") || doc.filename;
  const accepted = doc.accepted_by ? ` · 由 ${doc.accepted_by} 于 ${formatTime(doc.accepted_at)} 接受` : "";
  document
    .getElementById("doc-meta")
    .replaceChildren(
      statusBadge(doc.status),
      ` ${doc.filename} · ${doc.pages_total} 页 · 待复核 ${doc.flagged_count} 项 · 文档标记 ${doc.open_flags} 条${accepted}`,
    );
  document.getElementById("to-review").hidden = !doc.flagged_count && !doc.open_flags;
  document.getElementById("accept-doc").hidden = doc.status !== "ready";
  const [loadedForm, exported, corrections] = await Promise.all([
    loadForm(doc.form),
    (await request(`${base}/export?format=json`)).json(),
    getJson(`${base}/corrections`),
  ]);
  form = loadedForm;
  content = exported;
  records = new Map(content.fields.map((f) => [f.path, f]));
  before = new Map();
  for (const c of corrections) {
    const path = c.field_path ?? c.path;
    if (c.action === "correct" && !before.has(path)) before.set(path, c);
  }
  renderForm(form, content);
  renderFlags(content.document_flags ?? []);
  renderAudit(form, corrections, new Map(content.fields.map((f) => [f.path, f.value])));
}

async function start() {
  setupChrome("document");
  document.getElementById("to-review").href = `/ui/review?doc=${docId}`;
  await ensureReviewerName();
  await load();
  document.getElementById("accept-doc").addEventListener("click", async () => {
    try {
      await sendJson("POST", `${base}/accept`, { revision: doc.revision });
      toast("文档已接受", "ok");
      await load();
    } catch (error) {
      toast(`未能接受：${error.message}`, "error");
    }
  });
  for (const button of document.querySelectorAll("[data-format]")) {
    const format = button.dataset.format;
    button.addEventListener("click", () =>
      download(`${base}/export?format=${format}`, `${docId}.${format === "csv" ? "csv.zip" : format}`).catch((error) =>
        toast(`导出失败：${error.message}`, "error"),
      ),
    );
  }
}

start().catch((error) =>
  document.querySelector(".sheet").replaceChildren(h("p", { class: "error-text" }, `加载失败：${error.message}`)),
);
