// Factcheck page scripts: small plain modules, no build step. Every action they speed up
// is also a plain form or link, so the pages work without JavaScript.
import { enhance } from "./dom.js";
import { initPanel } from "./panel.js";
import { initWorkspace } from "./workspace.js";
import { initShortcuts } from "./keys.js";
import { initEdits } from "./edits.js";
import { initPoll } from "./poll.js";
import { initDesk } from "./desk.js";
import { initLive } from "./live.js";

document.documentElement.classList.add("js");
enhance(document);

const panelEl = document.querySelector("[data-panel]");
const panel = panelEl ? initPanel(panelEl) : null;
const ws = document.querySelector("[data-workspace]");
if (ws && panel) {
  const workspace = initWorkspace(ws, panel);
  const desk = initDesk(ws, workspace, panel);
  initShortcuts(ws, workspace, panel, desk);
  initEdits(ws, workspace);
  initLive(ws, workspace, panel, desk);
}

const poll = document.querySelector("[data-render-state][data-poll]");
if (poll) initPoll(poll);
