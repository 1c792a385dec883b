// Keyboard shortcuts of the workspace. They never fire while you type in a field
// (Esc leaves the field) or with Ctrl/Alt/Meta held.
import { isTyping } from "./dom.js";
import { addLinkRow } from "./panel.js";
import { t, word } from "./i18n.js";

const VERDICTS = { 1: "confirmed", 2: "unconfirmed", 3: "disputed" };
// An evidence link's stance is always chosen, never assumed: one key per stance ("+" for,
// "-" against, "=" neither: context), apart from the letters the workspace already uses.
const STANCES = { "+": "supports", "-": "contradicts", "=": "context" };

export function initShortcuts(ws, workspace, panel, desk) {
  const reviewForm = () => panel.element.querySelector("form.review-form");
  let lastRow = null; // the evidence row last focused: where a stance key applies
  panel.element.addEventListener("focusin", (event) => {
    lastRow = event.target.closest?.(".link-row") || lastRow;
  });

  function needClaim() {
    if (panel.body()) return true;
    panel.status(t("Select a claim first (j / k)."), "info");
    return false;
  }

  function needReviewForm() {
    if (!needClaim()) return null;
    const form = reviewForm();
    if (!form) panel.status(t("This claim takes no review now (approved or excluded)."), "info");
    return form;
  }

  const actions = {
    g: () => desk?.next(),
    x: () => desk?.toggleCurrent(),
    "*": () => desk?.selectAll(),
    j: () => workspace.move(1),
    k: () => workspace.move(-1),
    n: () => needReviewForm()?.querySelector("textarea[name=note]").focus(),
    l: () => {
      const form = needReviewForm();
      if (form) addLinkRow(form).focus();
    },
    s: () => needReviewForm()?.requestSubmit(),
    a: () => {
      if (!needClaim()) return;
      const form = panel.element.querySelector("form.approve-form");
      if (!form) {
        panel.status(t("Nothing to approve here: leads approve reviewed claims."), "info");
        return;
      }
      const chosen = form.querySelector("input[name=verdict]:checked");
      form.scrollIntoView({ block: "nearest" });
      if (chosen) {
        form.querySelector("button[type=submit]").focus();
        panel.status(t("Press Enter to approve “%(verdict)s”, or choose another verdict.", { verdict: word(chosen.value) }), "info");
      } else {
        form.querySelector("input[name=verdict]").focus();
        panel.status(t("Choose the final verdict (arrow keys), then Enter."), "info");
      }
    },
    c: () => {
      if (!needClaim()) return;
      const form = panel.element.querySelector("form.speaker-confirm-form");
      if (form) form.requestSubmit();
      else panel.status(t("This claim's speaker needs no confirming."), "info");
    },
    u: () => {
      const form = document.querySelector("form.undo-form");
      const button = form?.querySelector("button");
      if (button && !button.disabled) form.requestSubmit();
      else panel.status(t("Nothing of yours to undo here."), "info");
    },
    "?": () => {
      const help = document.getElementById("shortcuts");
      help.open = !help.open;
      if (help.open) {
        help.scrollIntoView({ block: "nearest" });
        help.querySelector("summary").focus();
      }
    },
  };
  for (const [key, verdict] of Object.entries(VERDICTS)) {
    actions[key] = () => {
      const radio = needReviewForm()?.querySelector(`input[name=verdict][value=${verdict}]`);
      if (!radio) return;
      radio.checked = true;
      radio.focus({ preventScroll: true });
      radio.dispatchEvent(new Event("change", { bubbles: true }));
    };
  }

  for (const [key, stance] of Object.entries(STANCES)) {
    actions[key] = () => {
      const form = needReviewForm();
      if (!form) return;
      const rows = [...form.querySelectorAll(".link-row")];
      const row = rows.includes(lastRow) ? lastRow : rows[rows.length - 1];
      const select = row?.querySelector("select[name$=-stance]");
      if (!select) return;
      select.value = stance;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      panel.status(t("Stance of link %(n)s: %(stance)s.", { n: rows.indexOf(row) + 1, stance: word(stance) }), "info");
    };
  }

  document.addEventListener("keydown", (event) => {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (isTyping(event.target)) {
      if (event.key === "Escape") event.target.blur();
      return;
    }
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  });
}
