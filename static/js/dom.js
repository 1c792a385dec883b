// Small DOM and HTTP helpers shared by the page modules.
import { t } from "./i18n.js";

/** Show the controls that only make sense with JavaScript (they ship `hidden`). */
export function enhance(root) {
  for (const el of root.querySelectorAll(".js-only")) el.hidden = false;
}

/** The page's CSRF token, for cookie-authenticated API writes. */
export function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

/** Send JSON to the API with the session cookie and the CSRF header; never throws on HTTP errors. */
export async function sendJSON(method, url, body) {
  let resp;
  try {
    resp = await fetch(url, {
      method,
      credentials: "same-origin",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrfToken(),
      },
      body: JSON.stringify(body),
    });
  } catch {
    return { ok: false, status: 0, data: { detail: t("the server could not be reached") } };
  }
  let data = null;
  try {
    data = await resp.json();
  } catch {
    data = null;
  }
  return { ok: resp.ok, status: resp.status, data: data || {} };
}

/** GET a server-rendered HTML fragment. */
export async function fetchHTML(url) {
  const resp = await fetch(url, { credentials: "same-origin", headers: { Accept: "text/html" } });
  if (!resp.ok) throw new Error(`HTTP ${resp.status}`);
  return resp.text();
}

/** Length in Unicode code points (the server's offsets), not UTF-16 units. */
export function codePoints(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

/** True when a key press should go to the field, not to a shortcut. */
const TYPING =
  "input:not([type=radio]):not([type=checkbox]):not([type=button]):not([type=submit]):not([type=reset])," +
  "textarea, select, [contenteditable]:not([contenteditable=false])";
export function isTyping(target) {
  return target instanceof Element && target.closest(TYPING) !== null;
}

/** True when a form field under root differs from what the page loaded with (typed text,
 * a choice made); hidden fields, submit buttons and the split form's source text do not count. */
export function dirtyWithin(root) {
  if (!root) return false;
  for (const el of root.querySelectorAll("input, textarea, select")) {
    if (el.type === "hidden" || el.type === "submit" || el.classList.contains("split-source")) continue;
    if (el.type === "radio" || el.type === "checkbox") {
      if (el.checked !== el.defaultChecked) return true;
    } else if (el.tagName === "SELECT") {
      if ([...el.options].some((o) => o.selected !== o.defaultSelected)) return true;
    } else if (el.value !== el.defaultValue) return true;
  }
  return false;
}
