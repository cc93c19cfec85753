// Upload: every dropped file is sent on its own, so each gets its own answer (accepted, a
// known file, or rejected with the server's reason), then its progress is polled until done.
import { ApiError, getJson, request } from "./api.js";
import { FINISHED, STAGE_NAMES, formatEta, h, loadForm, setupChrome, statusBadge } from "./ui.js";

const POLL_MS = 1500;
const list = document.getElementById("uploads");

function row(name, size) {
  const state = h("span", { class: "state" }, "上传中…");
  const bar = h("progress", { max: 1, value: 0 });
  const detail = h("div", { class: "detail" });
  const item = h(
    "li",
    { class: "upload" },
    h("div", { class: "name" }, name, h("small", { class: "muted" }, ` ${(size / 1024).toFixed(0)} KB`)),
    state,
    bar,
    detail,
  );
  list.prepend(item);
  return { item, state, bar, detail };
}

function reject(view, message) {
  view.item.classList.add("rejected");
  view.state.replaceChildren(h("span", { class: "badge status-failed" }, "未接收"));
  view.bar.remove();
  view.detail.replaceChildren(h("span", { class: "error-text" }, message));
}

async function follow(view, id) {
  for (;;) {
    const doc = await getJson(`/api/v1/documents/${id}`);
    const total = doc.pages_total || 0;
    view.bar.max = Math.max(total, 1);
    view.bar.value = doc.pages_done;
    view.state.replaceChildren(
      statusBadge(doc.status),
      ` ${STAGE_NAMES[doc.stage] ?? doc.stage} · 已完成 ${doc.pages_done}/${total} 页${formatEta(doc.eta_s)}`,
    );
    if (FINISHED.has(doc.status)) {
      view.item.classList.add(`done-${doc.status}`);
      if (doc.status === "failed") {
        view.detail.replaceChildren(h("span", { class: "error-text" }, `识别失败：${doc.error ?? "原因未知"}`));
      } else {
        view.detail.replaceChildren(
          doc.flagged_count || doc.open_flags
            ? h("a", { class: "button primary", href: `/ui/review?doc=${id}` }, `复核 ${doc.flagged_count + doc.open_flags} 项 →`)
            : h("span", {}, "无待复核项，待接受 "),
          " ",
          h("a", { class: "button", href: `/ui/document?doc=${id}` }, "查看整表"),
        );
      }
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

async function send(file) {
  const view = row(file.name, file.size);
  const body = new FormData();
  body.append("files", file, file.name);
  let answer;
  try {
    answer = await (await request("/api/v1/documents", { method: "POST", body })).json();
  } catch (error) {
    reject(view, error instanceof ApiError ? error.message : `上传失败：${error.message}`);
    return;
  }
  view.item.remove();
  const follows = answer.documents.map((doc) => {
    const docView = row(doc.filename, file.size);
    if (doc.duplicate) docView.item.firstChild.append(h("small", { class: "muted" }, " · 已上传过"));
    return follow(docView, doc.id).catch((error) =>
      docView.detail.replaceChildren(h("span", { class: "error-text" }, `查询进度失败：${error.message}`)),
    );
  });
  for (const rejected of answer.rejected) reject(row(rejected.filename, 0), rejected.message);
  await Promise.all(follows);
}

function accept(files) {
  for (const file of files) send(file);
}

setupChrome("upload");
loadForm();
// The forms the service reads, by the names their folders give them.
getJson("/api/v1/forms")
  .then((forms) => {
    document.getElementById("form-names").textContent = forms.map((form) => form.name).join("、");
  })
  .catch(() => {}); // the page still says 绩效目标表
const drop = document.getElementById("drop");
const input = document.getElementById("file-input");
input.addEventListener("change", () => {
  accept([...input.files]);
  input.value = "";
});
for (const type of ["dragenter", "dragover"]) {
  drop.addEventListener(type, (event) => {
    event.preventDefault();
    drop.classList.add("over");
  });
}
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  accept([...event.dataTransfer.files]);
});
