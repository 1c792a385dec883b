// The workspace as a queue: `g` goes to the next claim that needs you, a saved review moves
// on by itself, a lead selects claims (mouse or `x`) and decides them in bulk, and the
// lead's and editing forms of the panel save in place. Every one of these is also a plain
// link or form that works without JavaScript; here they answer JSON and the page updates.
import { csrfToken, enhance, fetchHTML } from "./dom.js";
import { t } from "./i18n.js";

/** POST a form (with the button that submitted it) and read the JSON answer; never throws. */
export async function postForm(form, submitter) {
  const body = new FormData(form, submitter || undefined);
  try {
    const resp = await fetch(form.getAttribute("action"), { // a field named "action" shadows form.action
      method: "POST",
      body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": csrfToken() },
    });
    let data = {};
    try {
      data = await resp.json();
    } catch {
      data = { detail: t("the server answered HTTP %(status)s", { status: resp.status }) };
    }
    return { ok: resp.ok, status: resp.status, data };
  } catch {
    return { ok: false, status: 0, data: { detail: t("the server could not be reached") } };
  }
}

/** A form's refusal, once, inside the form: field messages by their fields, the rest on top. */
export function showFormErrors(form, data) {
  clearFormErrors(form);
  let placed = false;
  for (const [key, message] of Object.entries(data.errors || {})) {
    const errorEl = form.querySelector(`[data-field="${CSS.escape(key)}"] .error`);
    if (!errorEl) continue;
    errorEl.textContent = message;
    errorEl.hidden = false;
    errorEl.closest(".field, fieldset")?.classList.add("has-error");
    placed = true;
  }
  if (!placed) {
    const top = document.createElement("p");
    top.className = "flash flash-error form-refusal";
    top.setAttribute("role", "alert");
    top.textContent = t("Not done: %(why)s.", { why: data.detail || t("the server refused") });
    form.prepend(top);
  }
}

function clearFormErrors(form) {
  form.querySelector(".form-refusal")?.remove();
  for (const el of form.querySelectorAll(".error")) {
    el.hidden = true;
    el.textContent = "";
  }
  for (const el of form.querySelectorAll(".has-error")) el.classList.remove("has-error");
}

export function initDesk(ws, workspace, panel) {
  const nextLink = () => ws.querySelector("a.next-link");
  const bulkForm = ws.querySelector("#bulk-form");

  /** Replace the claim list, the text and the counts with the server's, without a reload. */
  async function refresh() {
    const picked = new Set([...ws.querySelectorAll("input.pick:checked")].map((el) => el.value));
    let html;
    try {
      html = await fetchHTML(window.location.href);
    } catch {
      return;
    }
    const doc = new DOMParser().parseFromString(html, "text/html");
    for (const sel of [".article-text .body", ".claim-list ol.claims", ".queue-bar .needs", ".progress-wrap", "main > .actions"]) {
      const now = document.querySelector(sel);
      const fresh = doc.querySelector(sel);
      if (now && fresh) now.replaceWith(document.importNode(fresh, true));
    }
    for (const el of ws.querySelectorAll("input.pick")) el.checked = picked.has(el.value);
    enhance(ws);
    workspace.rehighlight();
    countPicked();
  }

  /** The next claim that needs me after the current one (the server decides). */
  function showLeft(left) {
    const needs = ws.querySelector(".queue-bar .needs");
    if (!needs) return;
    if (left) {
      const n = needs.querySelector(".needs-count");
      const word = needs.querySelector(".needs-word");
      if (n) n.textContent = left;
      if (word) word.textContent = left === 1 ? t("needs you") : t("need you");
    } else {
      needs.textContent = t("Nothing here needs you now");
    }
  }

  async function next({ quiet = false, saved = false } = {}) {
    const url = new URL(ws.dataset.nextUrl, window.location.href);
    const current = workspace.current();
    if (current) url.searchParams.set("after", current);
    let data;
    try {
      const resp = await fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } });
      data = await resp.json();
    } catch {
      panel.status(t("Could not ask the server what needs you next."), "error");
      return null;
    }
    if (saved) showLeft(data.left);
    if (!data.claim_id || String(data.claim_id) === current) {
      if (!quiet) panel.status(t("Nothing else on this article needs you now."), "info");
      return null;
    }
    await workspace.select(data.claim_id, { focusList: true });
    if (Math.abs(ws.getBoundingClientRect().top) > 16 && window.matchMedia("(min-width: 901px)").matches) {
      ws.scrollIntoView({ block: "start" });
    }
    const side = ws.querySelector(".side");
    if (side) side.scrollTop = 0; // the list and the claim's review form, together
    panel.status(t("Next: %(reason)s (%(left)s need you).", { reason: data.reason, left: data.left }), "info");
    return data.claim_id;
  }

  ws.addEventListener("click", (event) => {
    const link = event.target.closest("a.next-link");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey) return;
    event.preventDefault();
    next();
  });

  // A saved review moves on to the next claim that needs you.
  panel.onSaved(async (message) => {
    // The panel's load already repainted the claim in the text and the list; the count of
    // what needs me comes with the answer about the next claim (no page refresh per save).
    const hadQueue = ws.querySelector(".queue-bar .needs-count") !== null;
    const moved = await next({ quiet: true, saved: true });
    if (moved) panel.status(`${message} ${panel.element.querySelector(".panel-status").textContent}`);
    else panel.status(hadQueue ? `${message} ${t("That was the last claim here that needs you.")}` : message);
  });

  // The lead's decisions, the edits of the panel and its discussion: saved in place.
  panel.element.addEventListener("submit", async (event) => {
    const form = event.target.closest("form");
    if (!form || form.matches(".review-form") || !form.closest(".lead, .edits, .discussion")) return;
    event.preventDefault();
    const button = event.submitter;
    const pending = postForm(form, button); // reads the form (and its button) before disabling it
    if (button) button.disabled = true;
    panel.status(t("Saving…"), "info");
    const resp = await pending;
    if (button) button.disabled = false;
    if (!resp.ok) {
      panel.status("");
      showFormErrors(form, resp.data);
      if (resp.data.stale) {
        panel.status(t("Someone changed this claim meanwhile: reload it to see their change (your input is kept)."), "error");
        panel.offerReload();
      }
      return;
    }
    for (const old of document.querySelectorAll("main > .flash")) old.remove(); // the last page's news
    await refresh();
    await workspace.select(resp.data.claim_id, { scroll: true });
    panel.status(resp.data.message);
  });

  function picks() {
    return [...ws.querySelectorAll("input.pick")];
  }
  function countPicked() {
    const label = bulkForm?.querySelector(".bulk-count");
    if (!label) return;
    const n = picks().filter((el) => el.checked).length;
    label.textContent = n ? t("%(n)s selected", { n }) : t("None selected");
  }
  function toggleCurrent() {
    const box = ws.querySelector(`.claim-item[data-claim-id="${workspace.current()}"] input.pick`);
    if (!box) {
      panel.status(bulkForm ? t("Select a claim first (j / k).") : t("Only leads select claims for bulk decisions."), "info");
      return;
    }
    box.checked = !box.checked;
    countPicked();
  }
  function selectWhere(test) {
    for (const box of picks()) box.checked = test(box.closest(".claim-item"));
    countPicked();
  }

  if (bulkForm) {
    ws.addEventListener("change", (event) => {
      if (event.target.matches("input.pick")) countPicked();
    });
    bulkForm.addEventListener("click", (event) => {
      if (event.target.closest(".select-shown")) selectWhere(() => true);
      if (event.target.closest(".select-none")) selectWhere(() => false);
      if (event.target.closest(".select-agreeing")) {
        selectWhere((li) => li.classList.contains("status-reviewed") && li.dataset.agreed !== "");
      }
    });
    bulkForm.addEventListener("submit", async (event) => {
      event.preventDefault();
      const results = bulkForm.querySelector(".bulk-results");
      const button = event.submitter;
      if (!picks().some((el) => el.checked)) {
        results.replaceChildren(message(t("Select at least one claim first."), "error"));
        return;
      }
      const pending = postForm(bulkForm, button);
      if (button) button.disabled = true;
      results.replaceChildren(message(t("Working…"), "info"));
      const resp = await pending;
      if (button) button.disabled = false;
      if (!resp.ok) {
        results.replaceChildren(message(t("Nothing done: %(why)s.", { why: resp.data.detail }), "error"));
        return;
      }
      const refused = resp.data.results.filter((r) => !r.ok);
      const box = message(resp.data.summary, refused.length ? "info" : "success");
      if (refused.length) {
        const list = document.createElement("ul");
        list.className = "refused";
        for (const r of refused) {
          const li = document.createElement("li");
          const a = document.createElement("a");
          a.href = `${ws.dataset.wsUrl}${ws.dataset.wsUrl.includes("?") ? "&" : "?"}claim=${r.claim_id}#panel`;
          a.textContent = t("Claim %(seq)s", { seq: r.seq || r.claim_id });
          li.append(a, `: ${r.detail}.`);
          list.append(li);
        }
        box.append(list);
      }
      for (const box of picks()) box.checked = refused.some((r) => String(r.claim_id) === box.value);
      await refresh();
      results.replaceChildren(box);
      const current = workspace.current();
      if (current) panel.load(current);
    });
  }

  return { next, toggleCurrent, refresh, selectAll: () => selectWhere(() => true) };
}

function message(text, kind) {
  const p = document.createElement("div");
  p.className = `flash flash-${kind}`;
  p.textContent = text;
  return p;
}
