// Live updates: while the tab is visible the workspace asks the server every few seconds
// what changed on this article (GET …/changes with the last ETag: 304 while nothing did).
// When someone else changed a claim, a notice says so and the list and the open panel
// are refreshed in place — unless you have typed something, which is never thrown away:
// then the notice offers to reload. Hidden tabs stop asking; errors back off.
import { dirtyWithin } from "./dom.js";
import { t } from "./i18n.js";

const MAX_BACKOFF = 16; // times the interval

export function initLive(ws, workspace, panel, desk) {
  const url = ws.dataset.liveUrl;
  const notice = document.querySelector(".live-notice");
  if (!url || !notice) return null;
  const seconds = Number(ws.dataset.liveSeconds) || 4;
  let etag = null;
  let known = null;
  let failures = 0;
  let timer = null;
  let running = false;

  function later() {
    window.clearTimeout(timer);
    timer = document.hidden ? null : window.setTimeout(tick, seconds * 1000 * Math.min(2 ** failures, MAX_BACKOFF));
  }

  async function tick() {
    timer = null;
    if (running || document.hidden) return; // a hidden tab asks again when shown
    running = true;
    try {
      const headers = { Accept: "application/json" };
      if (etag) headers["If-None-Match"] = etag;
      const resp = await fetch(url, { credentials: "same-origin", headers });
      if (resp.status !== 304) {
        if (!resp.ok) throw new Error(String(resp.status));
        const state = await resp.json();
        etag = resp.headers.get("ETag");
        if (known) await changed(known, state);
        known = state;
      }
      failures = 0;
    } catch {
      failures += 1; // the server away, or signed out: ask less often
    } finally {
      running = false;
      later();
    }
  }

  async function changed(before, now) {
    const old = new Map(before.claims.map((c) => [c.id, c]));
    const ids = (s) => s.claims.map((c) => c.id).join(",");
    const listChanged = ids(before) !== ids(now);
    const articleChanged = (before.status !== now.status || before.version !== now.version) && now.changed_by_id !== now.viewer_id;
    const moved = now.claims.filter((c) => {
      const o = old.get(c.id);
      return o && (o.version !== c.version || o.status !== c.status || o.verdict !== c.verdict);
    });
    if (!listChanged && !moved.length && !articleChanged) return;
    const theirs = moved.filter((c) => c.changed_by_id !== now.viewer_id);
    const current = workspace.current();
    const currentMoved = moved.some((c) => String(c.id) === current);
    const currentGone = current && !now.claims.some((c) => String(c.id) === current);
    let message = "";
    if (theirs.length === 1 && !listChanged) {
      message = describe(theirs[0]);
    } else if (theirs.length > 1 && !listChanged) {
      message = t("%(n)s claims were changed by others.", { n: theirs.length });
    } else if (listChanged) {
      message = t("The claim list changed.");
    }
    const bar = document.querySelector("main > .actions"); // an open menu or typed address: ask first
    const actionsDirty = dirtyWithin(bar) || Boolean(bar?.querySelector("details[open]"));
    const actions = [];
    if (actionsDirty) actions.push([t("Refresh"), () => desk.refresh().then(clear)]);
    else await desk.refresh();
    if (currentMoved || currentGone) {
      if (panel.dirty()) actions.push([t("Reload claim"), () => panel.reloadKeeping().then(clear)]);
      else if (!currentGone) await panel.load(current);
    }
    if (articleChanged) {
      if (!message) message = t("The article was changed by %(who)s.", { who: now.changed_by || t("someone") });
      if (!actionsDirty && !panel.dirty()) actions.push([t("Reload the page"), () => window.location.reload()]);
    }
    if (message || actions.length) show(message || t("This claim was changed meanwhile."), actions);
  }

  function show(message, actions) {
    notice.replaceChildren(message);
    notice.className = "live-notice flash flash-info";
    for (const [label, fn] of actions) {
      const button = document.createElement("button");
      button.type = "button";
      button.className = "small";
      button.textContent = label;
      button.addEventListener("click", fn);
      notice.append(" ", button);
    }
    const close = document.createElement("button");
    close.type = "button";
    close.className = "small link-like live-dismiss";
    close.textContent = "×";
    close.setAttribute("aria-label", t("Dismiss"));
    close.addEventListener("click", clear);
    notice.append(" ", close);
  }

  function clear() {
    notice.replaceChildren();
    notice.className = "live-notice";
  }

  document.addEventListener("visibilitychange", () => {
    if (document.hidden) {
      window.clearTimeout(timer);
      timer = null;
    } else if (!timer && !running) {
      tick(); // back: ask at once
    }
  });
  tick(); // the state the page was drawn from (or a moment later)
  return { tick };
}

/** "Claim 5 was approved by Ana." */
function describe(c) {
  const v = { num: c.number, who: c.changed_by || t("someone") };
  switch (c.change) {
    case "claim.approved": return t("Claim %(num)s was approved by %(who)s.", v);
    case "claim.returned": return t("Claim %(num)s was returned by %(who)s.", v);
    case "claim.reopened": return t("Claim %(num)s was reopened by %(who)s.", v);
    case "claim.excluded": return t("Claim %(num)s was excluded by %(who)s.", v);
    case "claim.included": return t("Claim %(num)s was brought back into review by %(who)s.", v);
    case "review.saved": return t("Claim %(num)s was reviewed by %(who)s.", v);
    default: return t("Claim %(num)s was changed by %(who)s.", v);
  }
}

/** True when a field inside root holds input not saved yet. */
