// Review: what is in doubt about one document, one item at a time, keyboard first. Open
// document flags (a page unread, a section short of rows, text that reached no field) come
// first, then the flagged fields in the API's risk order.
//
// Enter saves what is in the box; Ctrl+Enter confirms the value as read. Both are a PATCH:
// the API marks the field `corrected` (confidence 1, reviewed by a person) and records the
// change in the audit trail, a confirmation with the same value before and after. The server
// re-runs the document's checks after every save, so the list is fetched again: a corrected
// total can clear the sum flags of other fields, or raise new ones. Clearing every item makes
// the document 待接受; accepting it is the reviewer's own act (Enter on the last card).
//
// The flagged terms of a failed sum check are one item, and so are the fields of a row whose
// structure is in doubt (the API lists the first, its `group` holding every term): the card
// asks the group's question once and shows each term's value, crop and own reasons.
// Ctrl+Enter confirms every term as printed in one act; Alt+↓/Alt+↑ move into a term, where
// Enter saves what is typed, Tab takes its suggestion, as for a field.
import { ApiError, getJson, objectUrl, request, sendJson } from "./api.js";
import { addRowDialog, ensureReviewerName } from "./rows.js";
import {
  REASON_NAMES,
  fieldKind,
  fieldLabel,
  flaggedList,
  h,
  labelText,
  loadForm,
  param,
  reasonChips,
  setupChrome,
  showValue,
  statusBadge,
  toast,
} from "./ui.js";

const docId = param("doc");
const base = `/api/v1/documents/${docId}`;
const card = document.getElementById("card");
const listNode = document.getElementById("flag-list");
const dialog = document.getElementById("page-view");
const panel = document.getElementById("page-panel");
const ZOOMS = [0.5, 0.75, 1, 1.5, 2, 3];

let form = null;
let doc = null; // the document's detail: revision, status, document flags
let values = new Map(); // path -> value, for labels and context
let items = []; // open document flags, then flagged fields in the API's risk order
let index = 0;
let current = null; // the item on screen (may be outside `items` after a conflict)
let term = 0; // on a group's card: the term whose box has the focus
let input = null;
let comment = null;
let busy = false;
let zoom = 2; // index into ZOOMS; 1x
const seen = new Set(); // every item in doubt during this visit: the "n" of "k of n left"
const crops = new Map();

const keyOf = (item) => (item.flagIndex !== undefined ? `document_flags[${item.flagIndex}]` : item.path);

function cropOf(field) {
  if (!field.page || !field.bbox) return null;
  if (!crops.has(field.path)) {
    crops.set(field.path, objectUrl(`${base}/fields/${encodeURIComponent(field.path)}/crop`));
  }
  return crops.get(field.path);
}

// The field a key acts on: the focused term of a group, else the item on screen.
const editing = () => (current?.group ? current.group.terms[term] : current);

// A term's reasons that are its own, not the check's: it needs its own look.
const ownReasons = (group, field) => field.reasons.filter((r) => !group.reasons.includes(r));

// Where a group's question is asked, and what it is: a failed sum's checks, or a row of a
// section in structural doubt (its row as the first term's label names it).
function groupLabel(group) {
  if (group.kind === "row") {
    const { section, label: first } = fieldLabel(form, group.terms[0].path, values);
    return { section, label: `${first.split(" · ")[0]} · ${REASON_NAMES.structure}`, context: "" };
  }
  return { section: "合计校验", label: group.messages.join("；"), context: "" };
}

// What the clerk is asked to do with a group's terms.
function groupNote(group) {
  const n = group.terms.length;
  const steps = "某项有误时用 Alt+↓ / Alt+↑ 移到该项，输入正确值后按 Enter（或按 Tab 采用建议值）";
  if (group.kind === "row") {
    return `这一行的边框不清、由文字推断或跨页拼接，以下 ${n} 项可能与相邻行错位。请逐项对照原件：都与原件一致时按 Ctrl+Enter 一次确认全部；${steps}，再确认其余各项。`;
  }
  return `以下 ${n} 个数字合计不符。请逐项对照原件：都与原件一致（原件本身不符）时按 Ctrl+Enter 一次确认全部；${steps}，其余各项随重新校验解除。`;
}

function label(item) {
  if (item.group) return groupLabel(item.group);
  if (item.flagIndex !== undefined) {
    const section = form.sections.find((s) => s.key === item.flag.section || s.list === item.flag.section);
    return { section: "文档标记", label: FLAG_NAMES[item.flag.reason] ?? item.flag.reason, context: section?.labels[0] ?? "" };
  }
  return fieldLabel(form, item.path, values);
}

const FLAG_NAMES = {
  page_unread: "整页未识别",
  section_incomplete: "栏目缺行",
  unassigned_text: "未归属的文字",
};

function renderHeader() {
  document.getElementById("doc-title").textContent = doc.department ?? doc.filename;
  document
    .getElementById("doc-meta")
    .replaceChildren(statusBadge(doc.status), ` ${doc.year ?? ""} 年度 · ${doc.filename} · ${doc.pages_total} 页`);
}

function renderCounter() {
  const n = seen.size;
  const k = items.length;
  document.getElementById("left").textContent = `还剩 ${k} 项 / 共 ${n} 项`;
  const bar = document.getElementById("left-bar");
  bar.max = Math.max(n, 1);
  bar.value = n - k;
}

function renderList() {
  listNode.replaceChildren(
    ...items.map((item, i) => {
      const { label: name } = label(item);
      const isFlag = item.flagIndex !== undefined;
      const terms = item.group?.terms;
      const kind = isFlag ? "doc-flag" : terms ? `check-group ${item.group.kind}-group` : null;
      const reasons = terms ? [...new Set(terms.flatMap((t) => t.reasons))] : item.reasons;
      return h(
        "li",
        {
          class: [keyOf(item) === (current && keyOf(current)) ? "active" : null, kind].filter(Boolean).join(" ") || null,
          dataset: { path: keyOf(item) },
          onclick: () => go(i),
        },
        h("div", { class: "flag-name" }, isFlag || item.group?.kind === "sum" ? name : labelText(label(item))),
        h(
          "div",
          { class: "flag-value" },
          isFlag ? (item.flag.text ?? item.flag.message) : terms ? `${terms.length} 项：${terms.map((t) => showValue(t.value)).join("、")}` : showValue(item.value),
        ),
        h("div", { class: "chips" }, isFlag ? h("span", { class: "chip reason-structure" }, "文档标记") : reasonChips(reasons)),
      );
    }),
  );
  listNode.querySelector(".active")?.scrollIntoView({ block: "nearest" });
  renderCounter();
}

function renderDone() {
  current = null;
  card.dataset.path = "";
  input = null;
  showPanel(null);
  const accepted = doc.status === "accepted";
  const accept = h("button", { class: "primary", type: "button", id: "accept-doc", disabled: accepted }, accepted ? "已接受" : "接受此文档");
  const next = h("button", { type: "button", id: "next-doc" }, "下一份待复核");
  accept.addEventListener("click", async () => {
    try {
      await sendJson("POST", `${base}/accept`, { revision: doc.revision });
      doc = await getJson(base);
      renderHeader();
      toast("文档已接受", "ok");
      accept.disabled = true;
      accept.textContent = "已接受";
      next.focus();
    } catch (error) {
      toast(`未能接受：${error.message}`, "error");
    }
  });
  next.addEventListener("click", openNextDocument);
  card.replaceChildren(
    h(
      "div",
      { class: "done" },
      h("div", { class: "done-mark" }, "✓"),
      h("h2", {}, "本文档的待复核项已全部处理"),
      h("p", { class: "muted" }, "文档现为“待接受”。可在整表视图中核对全表；确认无误后接受文档（按 Enter）。接受后如再修改，文档将重新打开。"),
      h("div", { class: "actions" }, accept, next, h("a", { class: "button", href: `/ui/document?doc=${docId}` }, "整表视图")),
    ),
  );
  (accepted ? next : accept).focus();
  renderList();
}

// The page beside the crop (wide screens), with the field's box, scrolled to it.
async function showPanel(item) {
  if (!panel || getComputedStyle(panel).display === "none") return; // narrow screens: F2
  const page = item?.page ?? item?.flag?.page;
  if (!page) {
    panel.replaceChildren(h("p", { class: "muted" }, item ? "该项没有页码，请按 F2 选择页面查看。" : ""));
    return;
  }
  const image = h("img", { alt: `第 ${page} 页` });
  const box = h("div", { class: "page-box", hidden: true });
  const sheet = h("div", { class: "panel-sheet" }, image, box);
  panel.replaceChildren(h("div", { class: "muted panel-title" }, `第 ${page} 页`), sheet);
  const shown = keyOf(item);
  image.src = await objectUrl(`${base}/pages/${page}/image`);
  await image.decode();
  if (!current || keyOf(current) !== shown) return;
  const bbox = item.bbox ?? item.flag?.bbox;
  if (bbox) {
    placeBox(box, image, bbox);
    box.scrollIntoView({ block: "center", inline: "nearest" });
  }
}

function placeBox(box, image, [x0, y0, x1, y1]) {
  const { naturalWidth: w, naturalHeight: hgt } = image;
  box.style.setProperty("left", `${(x0 / w) * 100}%`);
  box.style.setProperty("top", `${(y0 / hgt) * 100}%`);
  box.style.setProperty("width", `${((x1 - x0) / w) * 100}%`);
  box.style.setProperty("height", `${((y1 - y0) / hgt) * 100}%`);
  box.hidden = false;
}

// A tall cell (a task's whole row) would show only its top: scroll to the first ink instead.
function scrollToInk(image, frame) {
  if (image.naturalHeight * ZOOMS[zoom] <= frame.clientHeight) return;
  const canvas = document.createElement("canvas");
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  const context = canvas.getContext("2d", { willReadFrequently: true });
  context.drawImage(image, 0, 0);
  const { data, width, height } = context.getImageData(0, 0, canvas.width, canvas.height);
  const margin = Math.min(8, Math.floor(width / 4));
  for (let y = margin; y < height - margin; y += 1) {
    let dark = 0;
    for (let x = margin; x < width - margin; x += 1) {
      const at = (y * width + x) * 4;
      if (data[at] + data[at + 1] + data[at + 2] < 300) dark += 1;
    }
    if (dark >= 2) {
      frame.scrollTop = Math.max(0, y * ZOOMS[zoom] - 12);
      return;
    }
  }
}

function applyZoom() {
  for (const image of card.querySelectorAll("img.crop")) {
    if (image.naturalWidth) image.style.setProperty("width", `${image.naturalWidth * ZOOMS[zoom]}px`);
  }
  const label = card.querySelector("#zoom-level");
  if (label) label.textContent = `${Math.round(ZOOMS[zoom] * 100)}%`;
}

function showFlag(item) {
  current = item;
  card.dataset.path = keyOf(item);
  const { flag } = item;
  input = null;
  comment = h("textarea", { id: "resolve-comment", class: "value long", rows: 2, placeholder: "核对结果（必填），例如：该页为签章页，无表格" });
  const resolve = h("button", { type: "button", id: "resolve-flag" }, "已核对，标记为已处理（Ctrl+Enter）");
  resolve.addEventListener("click", () => resolveFlag(item));
  const list = flaggedList(form, flag);
  const add = h("button", { type: "button", class: "primary", id: "add-row" }, flag.reason === "unassigned_text" ? "补录为一行（Enter）" : "添加一行（Enter）");
  add.addEventListener("click", () => addRow(item, list));
  card.replaceChildren(
    h("header", { class: "card-head" }, h("div", { class: "crumb" }, "文档标记"), h("h2", {}, FLAG_NAMES[flag.reason] ?? flag.reason), label(item).context ? h("div", { class: "context" }, label(item).context) : null),
    h("p", { class: "flag-message" }, flag.message),
    flag.text ? h("div", { class: "suggestion" }, "识别到的文字：", h("strong", {}, flag.text)) : null,
    h("dl", { class: "facts" }, h("dt", {}, "页码"), h("dd", {}, flag.page ? `第 ${flag.page} 页` : "—"), h("dt", {}, "栏目"), h("dd", {}, label(item).context || "—")),
    h("div", { class: "actions flag-actions" }, add),
    h("label", { for: "resolve-comment", class: "input-label" }, "或者说明核对结果后标记为已处理"),
    comment,
    h("div", { class: "actions" }, resolve),
  );
  renderList();
  add.focus();
  showPanel(item);
}

async function addRow(item, list) {
  const content = await (await request(`${base}/export?format=json`)).json();
  const index = item.flag.reason === "unassigned_text" ? nearestRow(list, content[list], item.flag) : (content[list] ?? []).length;
  const added = await addRowDialog({ base, form, doc, content, list, index, flagIndex: item.flag.reason === "unassigned_text" ? item.flagIndex : null });
  if (!added) return;
  await reload();
  go(Math.min(index, items.length - 1));
}

// Where a lost line probably belongs: after the last row of its list printed above it on its
// page; at the end when none is.
function nearestRow(list, rows, flag) {
  const above = allFields.filter(
    (f) => f.page === flag.page && f.bbox && flag.bbox && f.path.startsWith(`${list}[`) && f.bbox[1] < flag.bbox[1],
  );
  if (!above.length) return (rows ?? []).length;
  const last = above.reduce((a, b) => (a.bbox[1] > b.bbox[1] ? a : b));
  return Number(/\[(\d+)\]/.exec(last.path)[1]) + 1;
}

async function resolveFlag(item) {
  const text = comment.value.trim();
  if (!text) {
    toast("请先填写核对结果", "warn");
    comment.focus();
    return;
  }
  try {
    await sendJson("POST", `${base}/document-flags/${item.flagIndex}/resolve`, { revision: doc.revision, comment: text });
    toast("文档标记已处理", "ok");
    await reload();
    go(index);
  } catch (error) {
    toast(`未能处理：${error.message}`, "error");
  }
}

function show(field, notice = null) {
  current = field;
  card.dataset.path = field.path;
  const { section, label: name, context } = label(field);
  const long = fieldKind(form, field.path) === "long_text";
  input = h("textarea", {
    id: "value-input",
    class: long ? "value long" : "value",
    rows: long ? 6 : 1,
    spellcheck: "false",
    "aria-label": `${section} ${name}`,
  });
  input.value = field.value === null || field.value === undefined ? "" : String(field.value);
  input.dataset.original = input.value;
  comment = h("input", { type: "text", id: "comment-input", class: "comment", placeholder: "备注（可选，随更正记入修改记录）", maxlength: 2000 });
  const figure = cropFigure(field, name, true);
  const reasons = field.reasons.map((r) =>
    h("li", {}, h("span", { class: `chip reason-${r}` }, REASON_NAMES[r] ?? r), " ", form.messages[r] ?? ""),
  );
  const parts = [
    h(
      "header",
      { class: "card-head" },
      name !== section ? h("div", { class: "crumb" }, section) : null,
      h("h2", {}, name),
      context ? h("div", { class: "context" }, context) : null,
    ),
    notice,
    field.span?.length > 1
      ? h(
          "p",
          { class: "span-note" },
          `合并单元格：跨第 ${rowNumber(field.span[0])}–${rowNumber(field.span.at(-1))} 行共 ${field.span.length} 行，更正一次即应用于每一行。`,
        )
      : null,
    field.evidence === "inferred" ? h("p", { class: "muted" }, "此值未从原图识别，由同行的二级指标按指标分类推断。") : null,
    figure,
    h("ul", { class: "reasons" }, reasons),
    h(
      "dl",
      { class: "facts" },
      h("dt", {}, "识别原文"),
      h("dd", {}, showValue(field.ocr_text)),
      h("dt", {}, "置信度"),
      h("dd", {}, `${Math.round(field.confidence * 100)}%`),
      h("dt", {}, "位置"),
      h("dd", {}, field.page ? `第 ${field.page} 页` : "—"),
    ),
    field.suggestion !== null && field.suggestion !== undefined
      ? h(
          "div",
          { class: "suggestion", id: "suggestion" },
          "建议值：",
          h("strong", {}, String(field.suggestion)),
          h("span", { class: "muted" }, " 按 "),
          h("kbd", {}, "Tab"),
          h("span", { class: "muted" }, " 填入"),
        )
      : null,
    h("label", { for: "value-input", class: "input-label" }, long ? "正确内容（Shift+Enter 换行）" : "正确值"),
    input,
    h("div", { id: "input-error", class: "error-text" }),
    comment,
  ];
  card.replaceChildren(...parts.filter(Boolean));
  renderList();
  input.focus();
  input.select();
  showPanel(field);
  const upcoming = items[index + 1];
  if (upcoming?.path) cropOf(upcoming); // fetch the next crop while this one is read
}

// The crop of a field's cell (zoom and scroll), or why there is none; shown once loaded.
function cropFigure(field, name, withZoom) {
  const image = h("img", { class: "crop", alt: `${name} 原图`, hidden: true });
  const crop = cropOf(field);
  const frame = h("div", { class: "crop-frame", tabindex: -1 }, image);
  crop?.then(async (url) => {
    image.src = url;
    await image.decode();
    image.hidden = false;
    applyZoom();
    scrollToInk(image, frame);
  });
  const zoomNote = h("figcaption", { class: "zoom muted" }, "缩放 ", h("span", { id: "zoom-level" }, "100%"), " · Alt+= 放大 · Alt+- 缩小 · Alt+0 复原 · PageUp/PageDown 滚动");
  return h(
    "figure",
    { class: "crop-box" },
    crop
      ? [frame, withZoom ? zoomNote : null].filter(Boolean)
      : h(
          "div",
          { class: "no-crop" },
          field.page
            ? "该项没有单元格位置（该处未能识别出单元格，或该值由其他栏推断），请按 F2 查看整页。"
            : "该项没有页码（未能在任何页面上找到对应单元格），请按 F2 选择页面查看，或对照纸质原件。",
        ),
  );
}

// A group (a failed sum check, a row in doubt): its question once, then every term with its
// value, crop and own doubts (a term in doubt for its own reading first, marked). Ctrl+Enter
// confirms them all as printed.
function showGroup(item, focusAt = 0) {
  current = item;
  card.dataset.path = item.path;
  const { group } = item;
  term = Math.min(focusAt, group.terms.length - 1);
  const boxes = group.terms.map((field, k) => {
    const { section, label: name, context } = fieldLabel(form, field.path, values);
    const own = ownReasons(group, field);
    const box = h("textarea", { id: `term-input-${k}`, class: "value", rows: 1, spellcheck: "false", "aria-label": `${section} ${name}` });
    box.value = field.value === null || field.value === undefined ? "" : String(field.value);
    box.dataset.original = box.value;
    box.addEventListener("focus", () => {
      term = k;
      input = box;
      for (const node of card.querySelectorAll(".term")) node.classList.toggle("focused", node.dataset.path === field.path);
    });
    const block = h(
      "section",
      { class: own.length ? "term own-doubt" : "term", dataset: { path: field.path } },
      h("header", { class: "term-head" }, h("span", { class: "term-no" }, String(k + 1)), h("strong", {}, labelText({ section, label: name })), context ? h("span", { class: "context" }, ` ${context}`) : null, " ", ...reasonChips(field.reasons)),
      own.length ? h("p", { class: "own-note" }, `此项另有疑点（${own.map((r) => REASON_NAMES[r] ?? r).join("、")}），请单独核对：${own.map((r) => form.messages[r] ?? "").join(" ")}`) : null,
      cropFigure(field, name, k === 0),
      h("dl", { class: "facts" }, h("dt", {}, "识别原文"), h("dd", {}, showValue(field.ocr_text)), h("dt", {}, "置信度"), h("dd", {}, `${Math.round(field.confidence * 100)}%`), h("dt", {}, "位置"), h("dd", {}, field.page ? `第 ${field.page} 页` : "—")),
      field.suggestion !== null && field.suggestion !== undefined
        ? h("div", { class: "suggestion" }, "建议值：", h("strong", {}, String(field.suggestion)), h("span", { class: "muted" }, " 在此项按 "), h("kbd", {}, "Tab"), h("span", { class: "muted" }, " 填入"))
        : null,
      box,
    );
    return { block, box };
  });
  comment = h("input", { type: "text", id: "comment-input", class: "comment", placeholder: "备注（可选，随确认或更正记入修改记录）", maxlength: 2000 });
  const confirm = h("button", { type: "button", class: "primary", id: "confirm-group" }, `${group.terms.length} 项均与原件一致，全部确认（Ctrl+Enter）`);
  confirm.addEventListener("click", () => confirmGroup(item));
  card.replaceChildren(
    h("header", { class: "card-head" }, h("div", { class: "crumb" }, group.kind === "row" ? labelText(groupLabel(group)) : "合计校验"), ...group.messages.map((m) => h("h2", { class: "check-message" }, m))),
    h("p", { class: "group-note" }, groupNote(group)),
    ...boxes.map(({ block }) => block),
    h("div", { id: "input-error", class: "error-text" }),
    comment,
    h("div", { class: "actions" }, confirm),
  );
  renderList();
  input = boxes[term].box;
  input.focus();
  input.select();
  showPanel(group.terms[term]);
}

function focusTerm(by) {
  const next = card.querySelector(`#term-input-${term + by}`);
  if (next) {
    next.focus();
    next.select();
    next.closest(".term").scrollIntoView({ block: "nearest" });
  }
}

const rowNumber = (path) => Number(/\[(\d+)\]/.exec(path)[1]) + 1;

function go(i) {
  if (!items.length) return renderDone();
  index = Math.max(0, Math.min(i, items.length - 1));
  const item = items[index];
  if (item.flagIndex !== undefined) return showFlag(item);
  return item.group ? showGroup(item) : show(item);
}

let allFields = [];

async function refresh() {
  const flagged = await getJson(`${base}/fields?status=flagged`);
  const open = doc.document_flags
    .map((flag, flagIndex) => ({ flag, flagIndex }))
    .filter(({ flag }) => flag.status === "open");
  items = [...open, ...flagged];
  for (const item of items) seen.add(keyOf(item));
}

async function reload() {
  const [detail, all] = await Promise.all([getJson(base), getJson(`${base}/fields`)]);
  doc = detail;
  allFields = all;
  values = new Map(all.map((f) => [f.path, f.value]));
  renderHeader();
  await refresh();
}

function reportChanges(result) {
  const cleared = result.changed.filter((f) => f.status !== "flagged");
  const raised = result.changed.filter((f) => f.status === "flagged");
  if (cleared.length) {
    const names = cleared.map((f) => label(f).label).join("、");
    toast(`复核后重新校验：另有 ${cleared.length} 项标记解除（${names}）`, "ok");
  }
  if (raised.length) toast(`重新校验发现 ${raised.length} 项新问题，已加入列表`, "warn");
  if (result.field?.reasons.length) {
    const words = result.field.reasons.map((r) => REASON_NAMES[r] ?? r).join("、");
    toast(`已保存，但校验仍未通过：${words}`, "warn");
  }
}

async function conflict(field, typed) {
  // Someone else saved this field first: show their value, keep it, never overwrite it.
  const all = await getJson(`${base}/fields`);
  const theirs = all.find((f) => f.path === field.path) ?? field;
  values.set(theirs.path, theirs.value);
  await refresh();
  const inList = items.findIndex((f) => f.path === theirs.path);
  if (inList >= 0) index = inList;
  const notice = h(
    "div",
    { class: "conflict", role: "alert" },
    h("strong", {}, "此项已被他人修改："),
    "现值为「",
    h("span", { class: "their-value" }, showValue(theirs.value)),
    `」（${theirs.status === "corrected" ? "已更正" : "待复核"}）。您输入的「${showValue(typed)}」未保存。`,
    "如仍需修改，请核对后重新输入。",
  );
  show(theirs, notice);
}

async function save(value) {
  if (busy || !current || current.flagIndex !== undefined) return;
  busy = true;
  const field = editing();
  try {
    const result = await sendJson("PATCH", `${base}/fields/${encodeURIComponent(field.path)}`, {
      value,
      version: field.version,
      comment: comment?.value.trim() || null,
    });
    values.set(field.path, result.field.value);
    reportChanges(result);
    const at = items.findIndex((f) => f.path === field.path);
    doc = { ...doc, status: result.document_status, revision: doc.revision + 1 };
    renderHeader();
    await refresh();
    go(at >= 0 ? at : index);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409 && error.code === "stale_version") {
      await conflict(field, value);
    } else if (error instanceof ApiError && error.status === 422) {
      document.getElementById("input-error").textContent = `格式不符：${error.message}`;
    } else {
      toast(`保存失败：${error.message}`, "error");
    }
  } finally {
    busy = false;
  }
}

// Every term of a group confirmed as printed, in one act; the API answers 409 when the group
// or a term changed since it was fetched (the list is then fetched again).
async function confirmGroup(item) {
  if (busy) return;
  busy = true;
  const { group } = item;
  try {
    const named = group.kind === "row" ? "rows" : "checks";
    const result = await sendJson("POST", `${base}/${named}/${encodeURIComponent(group.key)}/confirm`, {
      versions: Object.fromEntries(group.terms.map((t) => [t.path, t.version])),
      comment: comment?.value.trim() || null,
    });
    for (const field of result.fields) values.set(field.path, field.value);
    toast(`已按原件确认 ${result.fields.length} 项`, "ok");
    reportChanges(result);
    doc = { ...doc, status: result.document_status, revision: doc.revision + 1 };
    renderHeader();
    await refresh();
    go(index);
  } catch (error) {
    if (error instanceof ApiError && error.status === 409) {
      toast(`未能确认：${error.message}`, "warn");
      await refresh();
      go(index);
    } else {
      toast(`确认失败：${error.message}`, "error");
    }
  } finally {
    busy = false;
  }
}

async function undo() {
  if (busy) return;
  busy = true;
  try {
    await sendJson("POST", `${base}/undo`, {});
    const trail = await getJson(`${base}/corrections`);
    const last = trail.at(-1);
    toast(`已撤销对「${labelText(fieldLabel(form, last.path, values))}」的更正，恢复为「${showValue(last.after)}」`, "ok");
    await reload();
    const at = items.findIndex((f) => f.path === last.path);
    go(at >= 0 ? at : index);
  } catch (error) {
    toast(error instanceof ApiError && error.code === "nothing_to_undo" ? "没有可以撤销的更正" : `撤销失败：${error.message}`, "warn");
  } finally {
    busy = false;
  }
}

async function openPage() {
  const shown = editing();
  let page = shown?.page ?? shown?.flag?.page;
  if (!page) {
    const asked = window.prompt(`该项没有页码。查看第几页？（1–${doc.pages_total}）`, "1");
    page = Number(asked);
    if (!page || page < 1 || page > doc.pages_total) return;
  }
  const image = document.getElementById("page-image");
  const box = document.getElementById("page-box");
  document.getElementById("page-view-title").textContent = `第 ${page} 页 · ${labelText(shown.group ? fieldLabel(form, shown.path, values) : label(shown))}`;
  box.hidden = true;
  dialog.showModal();
  image.src = await objectUrl(`${base}/pages/${page}/image`);
  await image.decode();
  const bbox = shown.bbox ?? shown.flag?.bbox;
  if (bbox) {
    placeBox(box, image, bbox);
    box.scrollIntoView({ block: "center", inline: "center" });
  }
}

async function openNextDocument() {
  const waiting = (await getJson("/api/v1/documents?status=needs_review&limit=500")).items.filter(
    (d) => (d.flagged_count || d.open_flags) && d.id !== docId,
  );
  if (waiting.length) location.href = `/ui/review?doc=${waiting.at(-1).id}`;
  else toast("没有其他待复核的文档", "info");
}

function scrollCrop(by) {
  const frame = card.querySelector(".crop-frame");
  if (frame) frame.scrollTop += by * frame.clientHeight * 0.8;
}

function onKey(event) {
  if (dialog.open) {
    if (event.key === "F2") {
      event.preventDefault();
      dialog.close();
    } else if (event.key === "PageDown" || event.key === "PageUp") {
      event.preventDefault();
      const scroller = dialog.querySelector(".page-view-scroll");
      scroller.scrollTop += (event.key === "PageDown" ? 1 : -1) * scroller.clientHeight * 0.8;
    }
    return;
  }
  if (document.getElementById("row-dialog")) return;
  if (event.isComposing || event.keyCode === 229) return; // IME composing
  const { key, ctrlKey, shiftKey, altKey, metaKey } = event;
  if (altKey && (key === "z" || key === "Z")) {
    event.preventDefault();
    undo();
    return;
  }
  if (!current) {
    if (key === "Enter" && document.activeElement?.id !== "next-doc") {
      event.preventDefault();
      document.getElementById("accept-doc")?.click();
    }
    return;
  }
  if (altKey && (key === "=" || key === "+" || key === "-" || key === "0")) {
    event.preventDefault();
    zoom = key === "0" ? 2 : Math.max(0, Math.min(ZOOMS.length - 1, zoom + (key === "-" ? -1 : 1)));
    applyZoom();
    return;
  }
  if (key === "PageDown" || key === "PageUp") {
    event.preventDefault();
    scrollCrop(key === "PageDown" ? 1 : -1);
    return;
  }
  if (current.group && altKey && (key === "ArrowDown" || key === "ArrowUp")) {
    event.preventDefault();
    focusTerm(key === "ArrowDown" ? 1 : -1);
    return;
  }
  if (key === "ArrowDown" || key === "ArrowUp") {
    if (event.target === comment && current.flagIndex !== undefined) return;
    event.preventDefault();
    go(index + (key === "ArrowDown" ? 1 : -1));
    return;
  }
  if (key === "F2") {
    event.preventDefault();
    openPage();
    return;
  }
  if (current.flagIndex !== undefined) {
    if (key === "Enter" && (ctrlKey || metaKey)) {
      event.preventDefault();
      resolveFlag(current);
    } else if (key === "Enter" && event.target !== comment) {
      event.preventDefault();
      document.getElementById("add-row").click();
    }
    return;
  }
  if (key === "Enter" && (ctrlKey || metaKey)) {
    event.preventDefault();
    if (current.group) confirmGroup(current);
    else save(current.value);
  } else if (key === "Enter" && !shiftKey && !altKey) {
    event.preventDefault();
    save(input.value);
  } else if (key === "Enter" && shiftKey && !input.classList.contains("long")) {
    event.preventDefault();
  } else if (key === "Tab" && !shiftKey) {
    event.preventDefault();
    const field = editing();
    if (field.suggestion !== null && field.suggestion !== undefined) {
      input.value = String(field.suggestion);
      input.focus();
    }
  } else if (key === "Escape") {
    event.preventDefault();
    input.value = input.dataset.original;
    document.getElementById("input-error").textContent = "";
  }
}

async function start() {
  setupChrome("review");
  document.getElementById("to-document").href = `/ui/document?doc=${docId}`;
  const detail = await getJson(base);
  const loadedForm = await loadForm(detail.form);
  form = loadedForm;
  doc = detail;
  renderHeader();
  if (!["needs_review", "ready", "accepted"].includes(doc.status)) {
    card.replaceChildren(h("p", { class: "empty" }, "文档尚未识别完成，暂不能复核。"));
    return;
  }
  await ensureReviewerName();
  await reload();
  document.addEventListener("keydown", onKey);
  const wanted = param("field");
  const at = items.findIndex((f) => keyOf(f) === wanted);
  if (wanted && at < 0) {
    const field = allFields.find((f) => f.path === wanted); // any field can be corrected on request
    if (field) return show(field);
  }
  return go(Math.max(at, 0));
}

start().catch((error) => card.replaceChildren(h("p", { class: "error-text" }, `加载失败：${error.message}`)));
