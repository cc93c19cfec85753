// Shared page helpers: building DOM without HTML strings (values are always text, never markup),
// the Chinese names of statuses, stages and reasons, and field labels from the form template.
import { TOKEN_KEY, getJson } from "./api.js";

export function h(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key === "dataset") Object.assign(node.dataset, value);
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value === true) node.setAttribute(key, "");
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

// Status and act names come from the service (models/contract.py, through /ui/form.json), so
// they are written once; `loadForm()` fills these before a page renders.
export const STATUS_NAMES = {};
export const ACTION_NAMES = {};

export const STAGE_NAMES = {
  queued: "等待处理",
  rasterize: "转换页面",
  read: "识别表格",
  assemble: "组装与校验",
  done: "完成",
};

export const FIELD_STATUS_NAMES = { accepted: "无疑问", flagged: "待复核", corrected: "已更正" };

// Short words for the reason codes; the template's messages give the longer explanation.
export const REASON_NAMES = {
  low_confidence: "置信度低",
  sum_mismatch: "合计不符",
  format: "格式不符",
  taxonomy: "指标分类不符",
  missing: "缺失",
  structure: "结构存疑",
  seal_overlap: "印章遮挡",
  duplicate: "重复",
  garbled: "文字不通顺",
};

export const FINISHED = new Set(["needs_review", "ready", "accepted", "failed"]);

const formPromises = new Map(); // form id -> its description, fetched once

// The description of a document's form (its `form`; when not yet known, the form the service
// reads a document as when nothing tells, which /ui/form.json gives without `form`).
export function loadForm(id = null) {
  const key = id ?? "";
  if (!formPromises.has(key)) {
    const url = key ? `/ui/form.json?form=${encodeURIComponent(key)}` : "/ui/form.json";
    formPromises.set(
      key,
      getJson(url).then((form) => {
        Object.assign(STATUS_NAMES, form.statuses);
        Object.assign(ACTION_NAMES, form.actions);
        return form;
      }),
    );
  }
  return formPromises.get(key);
}

// The value at a contract path of a document's JSON (`funds.annual.total`).
export function valueAt(content, path) {
  return path.split(".").reduce((node, key) => (node == null ? undefined : node[key]), content);
}

// The section holding a field outside any list, and how the field is printed there.
function singleField(form, path) {
  for (const section of form.sections) {
    if (section.field === path) return { section, label: section.labels[0], kind: section.kind };
    const pair = section.pairs.find((p) => p.field === path || p.code_field === path);
    if (pair) {
      const code = pair.code_field === path;
      return { section, label: code ? `${pair.labels[0]}（代码）` : (pair.title ?? pair.labels[0]), kind: code ? "text" : pair.kind };
    }
    if (section.layout === "headed") {
      const column = section.columns.find((c) => c.key === path);
      if (column) return { section, label: column.labels[0], kind: column.kind };
    }
  }
  return null;
}

export function param(name) {
  return new URLSearchParams(location.search).get(name);
}

export function formatTime(iso) {
  const date = new Date(iso);
  const pad = (n) => String(n).padStart(2, "0");
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}`
  );
}

// A waiting document's estimated time to be read (the API's eta_s), for its progress line.
export function formatEta(seconds) {
  if (seconds === null || seconds === undefined) return "";
  if (seconds < 60) return ` · 约 ${Math.max(1, Math.round(seconds))} 秒后读完`;
  return ` · 约 ${Math.round(seconds / 60)} 分钟后读完`;
}

export function showValue(value) {
  return value === null || value === undefined || value === "" ? "（空）" : String(value);
}

export function reasonChips(reasons) {
  return reasons.map((r) => h("span", { class: `chip reason-${r}` }, REASON_NAMES[r] ?? r));
}

export function statusBadge(status) {
  return h("span", { class: `badge status-${status}` }, STATUS_NAMES[status] ?? status);
}

const LEVEL_KINDS = new Set(["taxonomy1", "taxonomy2"]);

// Whether a rows section's items carry the taxonomy's 一级/二级 (the indicators), as the
// template says it (`Template.levels_section`), not by the name of its list.
export function carriesLevels(section) {
  return Boolean(section?.columns.some((c) => LEVEL_KINDS.has(c.kind)));
}

// The rows section a document flag names, else the form's last one (where a lost row most
// often belongs: the long list at the end of the form).
export function flaggedList(form, flag) {
  const lists = form.sections.filter((s) => s.layout === "rows").map((s) => s.list);
  return lists.includes(flag.section) ? flag.section : lists.at(-1);
}

// `tasks[2].amount` -> {section: "年度重点工作任务", label: "第3项 · 拟投入的资金(万元)",
// context: the task's name}; `values` maps paths to values, for the row's context.
export function fieldLabel(form, path, values) {
  const row = /^(\w+)\[(\d+)\]\.(\w+)$/.exec(path);
  if (row) {
    const [, list, index, key] = row;
    const section = form.sections.find((s) => s.list === list);
    const column = section?.columns.find((c) => c.key === key) ??
      (section?.halves?.field === key ? { labels: ["期间"] } : null);
    const sibling = (name) => values.get(`${list}[${index}].${name}`);
    const levels = carriesLevels(section);
    const context = levels
      ? [...section.columns.filter((c) => LEVEL_KINDS.has(c.kind)).map((c) => c.key), "name"]
          .map(sibling)
          .filter(Boolean)
          .join(" › ")
      : key !== "name" ? (sibling("name") ?? "") : "";
    const unit = levels ? "行" : "项";
    return {
      section: section?.labels[0] ?? list,
      label: `第${Number(index) + 1}${unit} · ${column?.labels[0] ?? key}`,
      context,
    };
  }
  if (path === "title") return { section: "表头", label: "表名", context: "" };
  if (path === "year") return { section: "表头", label: "年度", context: "" };
  const found = singleField(form, path);
  const section = found?.section;
  return {
    section: section?.labels_in_first_column ? found.label : (section?.labels[0] ?? path.split(".")[0]),
    label: found?.label ?? path,
    context: "",
  };
}

// "预算整体情况 · 财政拨款", or just "部门名称" where the section is the field.
export function labelText({ section, label }) {
  return section === label ? label : `${section} · ${label}`;
}

// The template's value kind of a path (`amount`, `long_text`, …), or null for title and year.
export function fieldKind(form, path) {
  const row = /^(\w+)\[\d+\]\.(\w+)$/.exec(path);
  if (row) {
    const section = form.sections.find((s) => s.list === row[1]);
    return section?.columns.find((c) => c.key === row[2])?.kind ?? null;
  }
  return singleField(form, path)?.kind ?? null;
}

export function toast(message, kind = "info") {
  let box = document.getElementById("toasts");
  if (!box) {
    box = h("div", { id: "toasts", "aria-live": "polite" });
    document.body.append(box);
  }
  const note = h("div", { class: `toast toast-${kind}` }, message);
  box.append(note);
  setTimeout(() => note.remove(), 6000);
}

const NAV = [
  ["upload", "/ui/upload", "上传"],
  ["queue", "/ui/queue", "文档队列"],
];

// The top bar, the same on every page: name, navigation, and a way to drop the token.
export function setupChrome(active) {
  const logout = sessionStorage.getItem(TOKEN_KEY)
    ? h("button", { type: "button", class: "logout small" }, "退出登录")
    : null;
  logout?.addEventListener("click", () => {
    sessionStorage.removeItem(TOKEN_KEY);
    location.reload();
  });
  const header = h(
    "header",
    { class: "top" },
    h("a", { class: "brand", href: "/ui/queue" }, "绩效目标表识别", h("small", {}, "复核台")),
    h(
      "nav",
      { class: "nav" },
      NAV.map(([key, href, text]) => h("a", { href, class: key === active ? "active" : null }, text)),
    ),
    logout,
  );
  document.body.prepend(header);
}
