import { t, word } from "./i18n.js";
// The workspace: the article text and the claim list select the same claim, in sync,
// and the selected claim's panel is loaded in place. Links fall back to ?claim=<id>.
const STATUS_ICON = { open: "○", reviewed: "◐", approved: "●", returned: "↺", excluded: "⊘" };
const STATUS_LABEL = { open: t("open"), reviewed: t("reviewed"), approved: t("approved"), returned: t("returned"), excluded: t("excluded") };
const VERDICT_LABEL = { confirmed: `✔ ${t("Confirmed")}`, unconfirmed: `? ${t("Unconfirmed")}`, disputed: `✖ ${t("Disputed")}` };

export function initWorkspace(ws, panel) {
  let current = panel.body()?.dataset.claimId || null;

  const items = () => [...ws.querySelectorAll(".claim-item[data-claim-id]")];
  const itemOf = (id) => ws.querySelector(`.claim-item[data-claim-id="${id}"]`);
  const marksOf = (id) => [...ws.querySelectorAll(`.claim-mark[data-claim-id="${id}"]`)];

  function highlight(id) {
    for (const el of ws.querySelectorAll(".claim-mark.selected, .claim-item.selected")) el.classList.remove("selected");
    for (const el of ws.querySelectorAll('[aria-current="true"]')) el.removeAttribute("aria-current");
    const li = itemOf(id);
    if (li) {
      li.classList.add("selected");
      li.querySelector("a").setAttribute("aria-current", "true");
    }
    for (const mark of marksOf(id)) {
      mark.classList.add("selected");
      mark.setAttribute("aria-current", "true");
    }
  }

  async function select(id, { focusList = false, scroll = true } = {}) {
    id = String(id);
    current = id;
    highlight(id);
    const li = itemOf(id);
    const mark = marksOf(id)[0];
    if (scroll) reveal(id);
    if (focusList && li) li.querySelector("a").focus({ preventScroll: true });
    const url = new URL(window.location.href);
    url.searchParams.set("claim", id);
    url.hash = "panel";
    window.history.replaceState(null, "", url);
    panel.status("");
    await panel.load(id);
  }

  /** Scroll the claim into view inside the text and the list, without moving the page. */
  function reveal(id) {
    const li = itemOf(id);
    const mark = marksOf(id)[0];
    if (mark) scrollWithin(ws.querySelector(".article-text"), mark);
    if (li) scrollWithin(ws.querySelector(".claim-list ol.claims"), li);
    if (li) scrollWithin(ws.querySelector(".claim-list"), li);
  }

  function move(delta) {
    const list = items();
    if (!list.length) return;
    let i = list.findIndex((li) => li.dataset.claimId === current);
    if (i < 0) i = delta > 0 ? 0 : list.length - 1;
    else i = Math.min(Math.max(i + delta, 0), list.length - 1);
    return select(list[i].dataset.claimId, { focusList: true });
  }

  /** After a save, the claim's status and verdict may have moved on: repaint text and list. */
  panel.onLoad((body) => {
    const { claimId, status, verdict } = body.dataset;
    const targets = [...marksOf(claimId), itemOf(claimId)].filter(Boolean);
    for (const el of targets) {
      for (const cls of [...el.classList]) if (/^(status|verdict)-/.test(cls)) el.classList.remove(cls);
      el.classList.add(`status-${status}`);
      if (verdict) el.classList.add(`verdict-${verdict}`);
    }
    for (const mark of marksOf(claimId)) {
      const label = verdict ? word(verdict) : STATUS_LABEL[status];
      mark.title = mark.title.replace(/: .*$/, `: ${label}`);
      const sr = mark.querySelector(".sr-only");
      if (sr) sr.textContent = sr.textContent.replace(/, [^,)]*\)$/, `, ${label})`);
    }
    const li = itemOf(claimId);
    const badge = li?.querySelector(".badge");
    if (badge) {
      badge.className = `badge status-${status}`;
      badge.textContent = `${STATUS_ICON[status] || ""} ${STATUS_LABEL[status] || status}`;
    }
    const meta = li?.querySelector(".claim-meta");
    if (meta) {
      meta.querySelector(".verdict")?.remove();
      if (verdict) {
        const span = document.createElement("span");
        span.className = `verdict verdict-${verdict}`;
        span.textContent = VERDICT_LABEL[verdict];
        badge.after(" ", span);
      }
    }
  });

  ws.addEventListener("click", (event) => {
    const link = event.target.closest(".claim-mark[data-claim-id], .claim-item[data-claim-id] > a");
    if (!link || event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    const selection = window.getSelection();
    if (link.classList.contains("claim-mark") && selection && !selection.isCollapsed) return; // selecting text
    const id = link.closest("[data-claim-id]").dataset.claimId;
    if (id !== current) select(id, { scroll: !link.classList.contains("claim-mark") });
  });

  if (current) reveal(current);
  return { select, move, current: () => current, rehighlight: () => current && highlight(current) };
}

function scrollWithin(container, el) {
  if (!container || container.scrollHeight <= container.clientHeight) return;
  const box = container.getBoundingClientRect();
  const r = el.getBoundingClientRect();
  if (r.top < box.top || r.bottom > box.bottom) container.scrollTop += r.top - box.top - box.height / 3;
}
