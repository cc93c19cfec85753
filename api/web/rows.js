// Adding a row the reading lost, and the reviewer's name: dialogs shared by the review page
// and the whole-table view.
//
// The row dialog lays out the section's columns with the form's own labels, pre-filled from an
// unassigned text line (its text as the name, a trailing value-like word as the value) or from
// the row above (the merged 一级/二级 carry down). The reviewer can draw a box on the page:
// the service reads that region with the OCR engine and the text goes into the focused column.
import { REVIEWER_KEY, TOKEN_KEY, objectUrl, sendJson } from "./api.js";
import { carriesLevels, h, toast } from "./ui.js";

// "办理侨务咨询件数 ≥50件" -> name and value, for a row of the levels' list (an indicator);
// anything else stays the name.
export function prefillFromText(section, text) {
  const clean = (text ?? "").split(/\s+/).filter(Boolean);
  if (carriesLevels(section) && clean.length > 1 && /\d/.test(clean.at(-1))) {
    return { name: clean.slice(0, -1).join(" "), value: clean.at(-1) };
  }
  return { name: clean.join(" ") };
}

function carried(section, rows, index) {
  const above = rows[index - 1] ?? rows[index];
  const keys = [...(section.carry_down ?? []), ...(section.halves ? [section.halves.field] : [])];
  return Object.fromEntries(keys.map((key) => [key, above?.[key] ?? ""]));
}

// Which half (中期/年度) a row of a two-half table belongs to, the row above's by default.
function halfChooser(section, value) {
  if (!section.halves) return null;
  const { values, titles } = section.halves;
  const select = h("select", { id: "row-half", name: section.halves.field }, values.map((v) => h("option", { value: v }, titles[v] ?? v)));
  select.value = values.includes(value) ? value : values.at(-1);
  return select;
}

function regionPicker(base, pages, start, onText) {
  const image = h("img", { alt: "整页原图，拖动鼠标框选一行" });
  const box = h("div", { class: "page-box", hidden: true });
  const sheet = h("div", { class: "page-view-sheet region-sheet" }, image, box);
  const choose = h(
    "select",
    { "aria-label": "页码" },
    Array.from({ length: pages }, (_, i) => h("option", { value: i + 1 }, `第 ${i + 1} 页`)),
  );
  choose.value = String(start ?? 1);
  const load = async () => {
    box.hidden = true;
    image.src = await objectUrl(`${base}/pages/${choose.value}/image`);
  };
  choose.addEventListener("change", load);
  let from = null;
  const at = (event) => {
    const rect = image.getBoundingClientRect();
    const scale = image.naturalWidth / rect.width;
    return [(event.clientX - rect.left) * scale, (event.clientY - rect.top) * scale];
  };
  const place = ([x0, y0], [x1, y1]) => {
    const [w, ht] = [image.naturalWidth, image.naturalHeight];
    box.style.setProperty("left", `${(Math.min(x0, x1) / w) * 100}%`);
    box.style.setProperty("top", `${(Math.min(y0, y1) / ht) * 100}%`);
    box.style.setProperty("width", `${(Math.abs(x1 - x0) / w) * 100}%`);
    box.style.setProperty("height", `${(Math.abs(y1 - y0) / ht) * 100}%`);
    box.hidden = false;
  };
  image.addEventListener("mousedown", (event) => {
    event.preventDefault();
    from = at(event);
  });
  image.addEventListener("mousemove", (event) => from && place(from, at(event)));
  image.addEventListener("mouseup", async (event) => {
    if (!from) return;
    const to = at(event);
    const bbox = [from[0], from[1], to[0], to[1]].map(Math.round);
    const ordered = [Math.min(bbox[0], bbox[2]), Math.min(bbox[1], bbox[3]), Math.max(bbox[0], bbox[2]), Math.max(bbox[1], bbox[3])];
    from = null;
    place([ordered[0], ordered[1]], [ordered[2], ordered[3]]);
    try {
      const read = await sendJson("POST", `${base}/pages/${choose.value}/read`, { bbox: ordered });
      onText(read.text, Number(choose.value), ordered);
    } catch (error) {
      toast(`识别失败：${error.message}`, "error");
    }
  });
  load();
  return h("div", { class: "region-picker" }, h("div", { class: "muted" }, "在原图上拖动鼠标框选该行，识别结果填入当前栏目：", choose), h("div", { class: "region-scroll" }, sheet));
}

// Resolves true when the row was added.
export function addRowDialog({ base, form, doc, content, list, index, flagIndex = null }) {
  const section = form.sections.find((s) => s.list === list);
  const rows = content[list] ?? [];
  const flag = flagIndex === null ? null : doc.document_flags[flagIndex];
  const values = { ...carried(section, rows, index), ...(flag ? prefillFromText(section, flag.text) : {}) };
  let source = flag ? { page: flag.page, bbox: flag.bbox } : { page: null, bbox: null };
  const inputs = new Map(
    section.columns.map((c) => [
      c.key,
      h("input", { type: "text", name: c.key, id: `row-${c.key}`, value: values[c.key] ?? "", "aria-label": c.labels[0] }),
    ]),
  );
  const half = halfChooser(section, values[section.halves?.field]);
  let focused = inputs.get("name");
  for (const input of inputs.values()) input.addEventListener("focus", () => (focused = input));
  const position = h("input", { type: "number", id: "row-position", min: 1, max: rows.length + 1, value: index + 1 });
  const comment = h("input", { type: "text", id: "row-comment", placeholder: "备注（可选，记入修改记录）" });
  const picker = regionPicker(base, doc.pages_total, flag?.page ?? 1, (text, page, bbox) => {
    const parts = prefillFromText(section, text);
    if (focused === inputs.get("name") && parts.value !== undefined && inputs.get("value")) {
      inputs.get("name").value = parts.name;
      inputs.get("value").value = parts.value;
    } else {
      focused.value = text.replace(/\n/g, carriesLevels(section) ? "" : "\n");
    }
    source = { page, bbox };
  });
  return new Promise((resolve) => {
    const save = h("button", { type: "submit", class: "primary", id: "row-save" }, "添加此行");
    const cancel = h("button", { type: "button" }, "取消");
    const body = h(
      "form",
      { class: "row-form", method: "dialog" },
      h("h2", {}, `${section.labels[0]} · 添加一行`),
      flag ? h("p", { class: "muted" }, `来自第 ${flag.page ?? "?"} 页未归属的文字：「${flag.text ?? ""}」`) : null,
      h("label", { for: "row-position" }, `插入为第几行（共 ${rows.length} 行）`),
      position,
      ...(half ? [h("label", { for: "row-half" }, "期间"), half] : []),
      ...section.columns.flatMap((c) => [h("label", { for: `row-${c.key}` }, c.labels[0]), inputs.get(c.key)]),
      h("label", { for: "row-comment" }, "备注"),
      comment,
      h("div", { id: "row-error", class: "error-text" }),
      h("div", { class: "actions" }, cancel, save),
    );
    const dialog = h("dialog", { class: "row-dialog", id: "row-dialog" }, h("div", { class: "row-dialog-body" }, body, picker));
    const close = (added) => {
      dialog.close();
      dialog.remove();
      resolve(added);
    };
    cancel.addEventListener("click", () => close(false));
    dialog.addEventListener("cancel", () => close(false));
    body.addEventListener("submit", async (event) => {
      event.preventDefault();
      const typed = Object.fromEntries([...inputs].map(([key, input]) => [key, input.value.trim() || null]));
      if (half) typed[section.halves.field] = half.value;
      try {
        await sendJson("POST", `${base}/rows`, {
          list,
          index: Math.max(0, Math.min(Number(position.value) - 1, rows.length)),
          values: typed,
          revision: doc.revision,
          from_flag: flagIndex,
          page: flagIndex === null ? source.page : null,
          bbox: flagIndex === null ? source.bbox : null,
          comment: comment.value.trim() || null,
        });
        toast(`已添加第 ${position.value} 行`, "ok");
        close(true);
      } catch (error) {
        document.getElementById("row-error").textContent = error.message;
      }
    });
    document.body.append(dialog);
    dialog.showModal();
    (flag ? inputs.get("name") : inputs.get(section.columns.find((c) => !section.carry_down?.includes(c.key))?.key ?? "name")).focus();
  });
}

// The name the audit trail records in local mode: asked once, kept in this browser.
export function ensureReviewerName() {
  if (sessionStorage.getItem(TOKEN_KEY) || localStorage.getItem(REVIEWER_KEY)) return Promise.resolve();
  return new Promise((resolve) => {
    const input = h("input", { type: "text", id: "reviewer-name", required: true, maxlength: 32, placeholder: "例如：李明" });
    const form = h(
      "form",
      { class: "login-form", method: "dialog" },
      h("h2", {}, "请输入您的姓名"),
      h("p", { class: "muted" }, "每次更正、接受都会以此姓名记入修改记录。只需填写一次，保存在本浏览器中。"),
      h("label", { for: "reviewer-name" }, "复核人"),
      input,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "开始复核")),
    );
    const dialog = h("dialog", { class: "login", id: "reviewer-dialog" }, form);
    form.addEventListener("submit", () => {
      localStorage.setItem(REVIEWER_KEY, input.value.trim());
      dialog.close();
      dialog.remove();
      resolve();
    });
    dialog.addEventListener("cancel", (event) => event.preventDefault());
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
}
