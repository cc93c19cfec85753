// Every request to the service goes through `request`: it adds the reviewer's token (kept in
// sessionStorage, so it ends with the tab; the token's name is who the audit trail records)
// and, when the server answers 401, asks for a token and tries again. Pages never call fetch.
// Without a token (the embedded local mode) the reviewer's name, asked once and kept in
// localStorage, goes along as `X-Reviewer`, so the audit trail names a person, not `local`.
import { askForToken } from "./login.js";

export const TOKEN_KEY = "jixiao.token";
export const REVIEWER_KEY = "jixiao.reviewer";

export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

function headersFor(extra) {
  const headers = new Headers(extra);
  // A header no cross-site form can send: without a token, the server accepts changes only
  // from requests that carry it.
  headers.set("X-Jixiao-Client", "web");
  const token = sessionStorage.getItem(TOKEN_KEY);
  const reviewer = localStorage.getItem(REVIEWER_KEY);
  if (token) headers.set("Authorization", `Bearer ${token}`);
  else if (reviewer) headers.set("X-Reviewer", encodeURIComponent(reviewer));
  return headers;
}

async function errorOf(response) {
  let body = null;
  try {
    body = await response.json();
  } catch {
    // not JSON: a proxy page or an empty body
  }
  const message = body?.message ?? (typeof body?.detail === "string" ? body.detail : null);
  return new ApiError(
    response.status,
    body?.error ?? `http_${response.status}`,
    message ?? `服务器返回 ${response.status}`,
    body,
  );
}

export async function request(path, { method = "GET", json, body } = {}) {
  for (;;) {
    const init = { method, headers: headersFor() };
    if (json !== undefined) {
      init.body = JSON.stringify(json);
      init.headers.set("Content-Type", "application/json");
    } else if (body !== undefined) {
      init.body = body;
    }
    const response = await fetch(path, init);
    if (response.status === 401) {
      await askForToken((await errorOf(response)).message);
      continue;
    }
    if (!response.ok) throw await errorOf(response);
    return response;
  }
}

export async function getJson(path) {
  return (await request(path)).json();
}

export async function sendJson(method, path, json) {
  return (await request(path, { method, json })).json();
}

// Images need the token too, so they are fetched and shown from a blob: URL.
export async function objectUrl(path) {
  return URL.createObjectURL(await (await request(path)).blob());
}

export async function download(path, fallbackName) {
  const response = await request(path);
  const disposition = response.headers.get("Content-Disposition") ?? "";
  // the Chinese name (RFC 5987 `filename*`) when the server sends one, else the plain one
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const name = encoded ? decodeURIComponent(encoded) : (/filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
