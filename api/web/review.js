// Review: the flagged fields of one document in risk order, one at a time, keyboard first.
//
// Enter saves what is in the box; Ctrl+Enter confirms the value as read. Both are a PATCH:
// the API marks the field `corrected` (confidence 1, reviewed by a person) and records the
// change in the audit trail, a confirmation with the same value before and after. The server
// re-runs the document's checks after every save, so the list is fetched again: a corrected
// total can clear the sum flags of other fields, or raise new ones.
import { ApiError, getJson, objectUrl, sendJson } from "./api.js";
import {
  REASON_NAMES,
  fieldKind,
  fieldLabel,
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

let form = null;
let values = new Map(); // path -> value, for labels and context
let items = []; // the flagged fields, in the API's risk order
let index = 0;
let current = null; // the field on screen (may be outside `items` after a conflict)
let input = null;
let busy = false;
const seen = new Set(); // every path flagged during this visit: the "n" of "k of n left"
const crops = new Map();

function cropOf(field) {
  if (!field.page || !field.bbox) return null;
  if (!crops.has(field.path)) {
    crops.set(field.path, objectUrl(`${base}/fields/${encodeURIComponent(field.path)}/crop`));
  }
  return crops.get(field.path);
}

function label(field) {
  return fieldLabel(form, field.path, values);
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
    ...items.map((field, i) => {
      return h(
        "li",
        {
          class: field.path === current?.path ? "active" : null,
          dataset: { path: field.path },
          onclick: () => go(i),
        },
        h("div", { class: "flag-name" }, labelText(label(field))),
        h("div", { class: "flag-value" }, showValue(field.value)),
        h("div", { class: "chips" }, reasonChips(field.reasons)),
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
  const accept = h("button", { class: "primary", type: "button", id: "accept-doc" }, "接受此文档");
  const next = h("button", { type: "button", id: "next-doc" }, "下一份待复核");
  accept.addEventListener("click", async () => {
    try {
      await sendJson("POST", `${base}/accept`, {});
      toast("文档已接受", "ok");
      accept.disabled = true;
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
      h("p", { class: "muted" }, "可在整表视图中核对全表，确认后接受文档。按 Enter 接受。"),
      h("div", { class: "actions" }, accept, next, h("a", { class: "button", href: `/ui/document?doc=${docId}` }, "整表视图")),
    ),
  );
  accept.focus();
  renderList();
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
  const image = h("img", { class: "crop", alt: `${name} 原图`, hidden: true });
  const crop = cropOf(field);
  const figure = h(
    "figure",
    { class: "crop-box" },
    crop ? image : h("div", { class: "no-crop" }, "该项在原图上没有定位（未识别到对应单元格），请按 F2 查看整页或对照纸质原件。"),
  );
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
  ];
  card.replaceChildren(...parts.filter(Boolean));
  renderList();
  input.focus();
  input.select();
  crop?.then((url) => {
    image.src = url;
    image.hidden = false;
  });
  const upcoming = items[index + 1];
  if (upcoming) cropOf(upcoming); // fetch the next crop while this one is read
}

function go(i) {
  if (!items.length) return renderDone();
  index = Math.max(0, Math.min(i, items.length - 1));
  return show(items[index]);
}

async function refresh() {
  items = await getJson(`${base}/fields?status=flagged`);
  for (const field of items) seen.add(field.path);
}

function reportChanges(result) {
  const cleared = result.changed.filter((f) => f.status !== "flagged");
  const raised = result.changed.filter((f) => f.status === "flagged");
  if (cleared.length) {
    const names = cleared.map((f) => label(f).label).join("、");
    toast(`复核后重新校验：另有 ${cleared.length} 项标记解除（${names}）`, "ok");
  }
  if (raised.length) toast(`重新校验发现 ${raised.length} 项新问题，已加入列表`, "warn");
  if (result.field.reasons.length) {
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
  if (busy || !current) return;
  busy = true;
  const field = current;
  try {
    const result = await sendJson("PATCH", `${base}/fields/${encodeURIComponent(field.path)}`, {
      value,
      version: field.version,
    });
    values.set(field.path, result.field.value);
    reportChanges(result);
    const at = items.findIndex((f) => f.path === field.path);
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

async function openPage() {
  if (!current?.page) return toast("该项在原图上没有定位", "warn");
  const image = document.getElementById("page-image");
  const box = document.getElementById("page-box");
  document.getElementById("page-view-title").textContent = `第 ${current.page} 页 · ${labelText(label(current))}`;
  box.hidden = true;
  dialog.showModal();
  image.src = await objectUrl(`${base}/pages/${current.page}/image`);
  await image.decode();
  if (current.bbox) {
    const [x0, y0, x1, y1] = current.bbox;
    const { naturalWidth: w, naturalHeight: hgt } = image;
    box.style.setProperty("left", `${(x0 / w) * 100}%`);
    box.style.setProperty("top", `${(y0 / hgt) * 100}%`);
    box.style.setProperty("width", `${((x1 - x0) / w) * 100}%`);
    box.style.setProperty("height", `${((y1 - y0) / hgt) * 100}%`);
    box.hidden = false;
    box.scrollIntoView({ block: "center", inline: "center" });
  }
}

async function openNextDocument() {
  const waiting = (await getJson("/api/v1/documents?status=needs_review&limit=500")).items.filter(
    (d) => d.flagged_count && d.id !== docId,
  );
  if (waiting.length) location.href = `/ui/review?doc=${waiting.at(-1).id}`;
  else toast("没有其他待复核的文档", "info");
}

function onKey(event) {
  if (dialog.open) {
    if (event.key === "F2") {
      event.preventDefault();
      dialog.close();
    }
    return;
  }
  if (!current || event.isComposing || event.keyCode === 229) return; // IME composing
  const { key, ctrlKey, shiftKey, altKey, metaKey } = event;
  if (key === "Enter" && (ctrlKey || metaKey)) {
    event.preventDefault();
    save(current.value);
  } else if (key === "Enter" && !shiftKey && !altKey) {
    event.preventDefault();
    save(input.value);
  } else if (key === "Enter" && shiftKey && !input.classList.contains("long")) {
    event.preventDefault();
  } else if (key === "Tab" && !shiftKey) {
    event.preventDefault();
    if (current.suggestion !== null && current.suggestion !== undefined) {
      input.value = String(current.suggestion);
      input.focus();
    }
  } else if (key === "ArrowDown" || key === "ArrowUp") {
    event.preventDefault();
    go(index + (key === "ArrowDown" ? 1 : -1));
  } else if (key === "F2") {
    event.preventDefault();
    openPage();
  } else if (key === "Escape") {
    event.preventDefault();
    input.value = input.dataset.original;
    document.getElementById("input-error").textContent = "";
  }
}

async function start() {
  setupChrome("review");
  document.getElementById("to-document").href = `/ui/document?doc=${docId}`;
  const [doc, loadedForm, all] = await Promise.all([
    getJson(base),
    loadForm(),
    getJson(`${base}/fields`),
  ]);
  form = loadedForm;
  values = new Map(all.map((f) => [f.path, f.value]));
  document.getElementById("doc-title").textContent = doc.department ?? doc.filename;
  document
    .getElementById("doc-meta")
    .replaceChildren(statusBadge(doc.status), ` ${doc.year ?? ""} 年度 · ${doc.filename} · ${doc.pages_total} 页`);
  if (doc.status !== "needs_review" && doc.status !== "accepted") {
    card.replaceChildren(h("p", { class: "empty" }, "文档尚未识别完成，暂不能复核。"));
    return;
  }
  await refresh();
  document.addEventListener("keydown", onKey);
  const wanted = param("field");
  const at = items.findIndex((f) => f.path === wanted);
  if (wanted && at < 0) {
    const field = all.find((f) => f.path === wanted); // any field can be corrected on request
    if (field) return show(field);
  }
  return go(Math.max(at, 0));
}

start().catch((error) => card.replaceChildren(h("p", { class: "error-text" }, `加载失败：${error.message}`)));
