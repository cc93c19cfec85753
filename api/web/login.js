// The token prompt shown when the service answers 401. One prompt at a time: requests that
// fail meanwhile wait for the same answer.
import { TOKEN_KEY } from "./api.js";
import { h } from "./ui.js";

let pending = null;

export function askForToken(reason) {
  pending ??= new Promise((resolve) => {
    const input = h("input", {
      type: "password",
      id: "token-input",
      autocomplete: "off",
      required: true,
      placeholder: "粘贴管理员发放的访问令牌",
    });
    const form = h(
      "form",
      { class: "login-form", method: "dialog" },
      h("h2", {}, "请登录"),
      h("p", { class: "muted" }, "此服务需要访问令牌。令牌只保存在本标签页中，关闭即失效。"),
      reason ? h("p", { class: "error-text" }, reason) : null,
      h("label", { for: "token-input" }, "访问令牌"),
      input,
      h("div", { class: "actions" }, h("button", { type: "submit", class: "primary" }, "登录")),
    );
    const dialog = h("dialog", { class: "login", id: "login-dialog" }, form);
    form.addEventListener("submit", () => {
      sessionStorage.setItem(TOKEN_KEY, input.value.trim());
      dialog.close();
      dialog.remove();
      pending = null;
      resolve();
    });
    dialog.addEventListener("cancel", (event) => event.preventDefault());
    document.body.append(dialog);
    dialog.showModal();
    input.focus();
  });
  return pending;
}
