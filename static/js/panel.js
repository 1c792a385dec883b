// The claim panel: loads a claim's server-rendered panel and saves reviews through the
// JSON API without reloading the page. Without JavaScript the same forms post normally.
import { dirtyWithin, enhance, fetchHTML, sendJSON } from "./dom.js";
import { t } from "./i18n.js";

export function initPanel(panelEl) {
  const slot = panelEl.querySelector(".panel-slot");
  const statusEl = panelEl.querySelector(".panel-status");
  const mode = panelEl.dataset.panel; // "workspace" or "page"
  const listeners = [];
  const saved = [];
  let ticket = 0;

  function body() {
    return slot.querySelector(".panel-body");
  }

  function status(message, kind = "success") {
    statusEl.textContent = message;
    statusEl.className = message ? `panel-status flash flash-${kind}` : "panel-status";
  }

  async function load(claimId) {
    const mine = ++ticket;
    let html;
    try {
      html = await fetchHTML(`${panelEl.dataset.claimsUrl || "/claims/"}${claimId}?panel=${mode}`);
    } catch (err) {
      if (mine === ticket) status(t("Could not load claim %(id)s: %(why)s", { id: claimId, why: err.message }), "error");
      return null;
    }
    if (mine !== ticket) return null; // a later selection won
    const doc = new DOMParser().parseFromString(html, "text/html");
    const fresh = doc.querySelector(".panel-body");
    if (!fresh) return null;
    const node = document.importNode(fresh, true);
    slot.replaceChildren(node);
    enhance(node);
    for (const fn of listeners) fn(node);
    return node;
  }

  function onLoad(fn) {
    listeners.push(fn);
  }

  panelEl.addEventListener("submit", (event) => {
    const form = event.target.closest("form.review-form");
    if (!form) return;
    event.preventDefault();
    saveReview(form);
  });

  panelEl.addEventListener("click", (event) => {
    const add = event.target.closest("button.add-link");
    if (add) addLinkRow(add.closest("form")).focus();
  });

  async function saveReview(form) {
    clearErrors(form);
    const data = new FormData(form);
    const payload = { verdict: data.get("verdict"), note: data.get("note") || "", links: linksOf(form) };
    if (data.get("version")) payload.version = Number(data.get("version"));
    if (!payload.verdict) {
      showErrors(form, { verdict: t("choose a verdict") });
      status(t("Not saved: choose a verdict (1, 2 or 3)."), "error");
      form.querySelector("input[name=verdict]").focus();
      return;
    }
    const unchosen = rowWithoutStance(form);
    if (unchosen) {  // never assumed: the same words the server says
      showErrors(form, { [unchosen.name.replace(/^links-(\d+)-stance$/, "links[$1].stance")]: t(STANCE_REQUIRED) });
      status(t("Not saved: choose each link's stance (+ supports, - contradicts, = context)."), "error");
      return;
    }
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    status(t("Saving…"), "info");
    const claimId = body().dataset.claimId;
    const resp = await sendJSON("PUT", form.dataset.api, payload);
    button.disabled = false;
    if (resp.ok) {
      await load(claimId);
      const message = resp.status === 201 ? t("Review saved.") : t("Review saved (revised).");
      status(message);
      for (const fn of saved) await fn(message);
      return;
    }
    if (resp.data.errors) showErrors(form, resp.data.errors);
    const detail = resp.data.detail ? t(resp.data.detail) : `HTTP ${resp.status}`;
    const stale = resp.status === 409 && "current_version" in resp.data;
    const end = /[.!?]$/.test(detail) ? "" : ".";
    const hint = stale ? `${end} ${t("Your input is kept; reload the claim to see the newer version.")}` : "";
    status(t("Not saved: %(why)s", { why: detail }) + hint, "error");
    if (stale) offerReload();
  }

  /** The texts typed into the panel and not saved (a note, a comment), with their labels. */
  function typed() {
    const out = [];
    for (const el of body()?.querySelectorAll("textarea, input[type=text], input[type=url], input:not([type])") || []) {
      if (el.classList.contains("split-source") || !el.value.trim() || el.value === el.defaultValue) continue;
      const label = el.id ? body().querySelector(`label[for="${CSS.escape(el.id)}"]`) : null;
      out.push({ label: label ? label.textContent.trim() : el.name, value: el.value });
    }
    return out;
  }

  /** True when the panel holds input not saved yet (typed text, a verdict or stance chosen). */
  function dirty() {
    return dirtyWithin(body());
  }

  /** Load the claim as it is now; what was typed stays on screen in a box to copy back. */
  async function reloadKeeping() {
    const id = body()?.dataset.claimId;
    if (!id) return null;
    const kept = typed();
    const node = await load(id);
    if (!node) return null;
    status(t("This is the claim as it is now."), "info");
    if (kept.length) {
      const box = document.createElement("section");
      box.className = "card kept-input";
      const h = document.createElement("p");
      h.className = "kept-title";
      h.textContent = t("What you typed, not saved: copy what you still need back into the form.");
      box.append(h);
      for (const { label, value } of kept) {
        const field = document.createElement("label");
        field.className = "field";
        const area = document.createElement("textarea");
        area.readOnly = true;
        area.rows = Math.min(8, value.split("\n").length + 1);
        area.value = value;
        field.append(label, area);
        box.append(field);
      }
      node.prepend(box);
    }
    node.querySelector("h2, h3")?.focus({ preventScroll: true });
    return node;
  }

  /** A stale save: a "Reload this claim" button in the error message. */
  function offerReload() {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "small reload-claim";
    button.textContent = t("Reload this claim");
    button.addEventListener("click", () => reloadKeeping());
    statusEl.append(" ", button);
  }

  /** Run after a review is saved (the workspace moves on to the next claim that needs you). */
  function onSaved(fn) {
    saved.push(fn);
  }

  return { load, status, body, onLoad, onSaved, dirty, reloadKeeping, offerReload, element: panelEl };
}

const STANCE_REQUIRED = "choose a stance: supports, contradicts or context";

/** The stance select of the first filled-in evidence row with no stance chosen, if any. */
function rowWithoutStance(form) {
  for (const row of form.querySelectorAll(".link-row")) {
    const filled = [...row.querySelectorAll("input, textarea")].some((el) => el.value.trim());
    const select = row.querySelector("select[name$=-stance]");
    if (filled && select && !select.value) return select;
  }
  return null;
}

/** The filled-in evidence rows, as the API wants them (blank rows are ignored). */
function linksOf(form) {
  const out = [];
  for (const row of form.querySelectorAll(".link-row")) {
    const link = {};
    for (const el of row.querySelectorAll("input, select, textarea")) {
      const key = el.name.replace(/^links-\d+-/, "");
      link[key] = el.value.trim();
    }
    if (!link.url && !link.title && !link.excerpt && !link.archived_url) continue;
    out.push(link);
  }
  return out;
}

/** Put each API error next to its field: "note", "verdict", "links[0].url", "links". */
function showErrors(form, errors) {
  for (const [key, message] of Object.entries(errors)) {
    const m = /^links\[(\d+)\]\.(\w+)$/.exec(key);
    const name = m ? `links-${m[1]}-${m[2]}` : key;
    const input = form.querySelector(`[name="${name}"]`);
    const errorEl = form.querySelector(`#${CSS.escape(m ? name : key)}-error`) || form.querySelector("#links-error");
    if (!errorEl) continue;
    errorEl.textContent = t(message); // the API answers in English: the texts the page knows are shown translated
    errorEl.hidden = false;
    errorEl.closest(".field, fieldset")?.classList.add("has-error");
    if (input && input.type !== "radio") {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", errorEl.id);
    }
  }
}

function clearErrors(form) {
  for (const el of form.querySelectorAll(".error")) {
    el.hidden = true;
    el.textContent = "";
  }
  for (const el of form.querySelectorAll(".has-error")) el.classList.remove("has-error");
  for (const el of form.querySelectorAll("[aria-invalid]")) {
    el.removeAttribute("aria-invalid");
    el.removeAttribute("aria-describedby");
  }
}

/** Focusable URL input of an empty evidence row, adding a row when all are filled. */
export function addLinkRow(form) {
  const rows = [...form.querySelectorAll(".link-row")];
  const empty = rows.find((row) => !row.querySelector("input[name$='-url']").value.trim());
  if (empty) return empty.querySelector("input[name$='-url']");
  const last = rows[rows.length - 1];
  const index = rows.length;
  const row = last.cloneNode(true);
  for (const el of row.querySelectorAll("[name], [id], [for], [aria-describedby]")) {
    for (const attr of ["name", "id", "for", "aria-describedby"]) {
      const value = el.getAttribute(attr);
      if (value) el.setAttribute(attr, value.replace(/^links-\d+-/, `links-${index}-`));
    }
    if (el.matches("input, textarea")) el.value = "";
    if (el.matches("select")) el.selectedIndex = 0;
  }
  for (const el of row.querySelectorAll(".error")) el.hidden = true;
  row.querySelector("details")?.removeAttribute("open");
  last.after(row);
  return row.querySelector("input[name$='-url']");
}
