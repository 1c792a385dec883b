// Editing the split in the page: select text to add a claim, place the cursor to split
// one. Offsets are code points of the article body, as the server counts them.
import { codePoints } from "./dom.js";
import { t } from "./i18n.js";

export function initEdits(ws, workspace) {
  const text = ws.querySelector(".article-text .body");
  const addForm = ws.querySelector("form.add-selection");
  const info = addForm?.querySelector(".selection-info");
  let pending = false;

  /** Body offset of a DOM position inside the article text, or null. */
  function offsetOf(node, offset) {
    if (node === text) {
      const child = text.childNodes[offset];
      if (child) return Number(child.dataset.start);
      const last = text.lastElementChild;
      return last ? Number(last.dataset.start) + codePoints(last.querySelector("bdi").textContent) : 0;
    }
    const el = node.nodeType === Node.ELEMENT_NODE ? node : node.parentElement;
    const segment = el?.closest("[data-start]");
    if (!segment || !text.contains(segment)) return null;
    const bdi = segment.querySelector("bdi");
    const start = Number(segment.dataset.start);
    if (!bdi.contains(node)) return start + codePoints(bdi.textContent); // the screen-reader suffix
    const range = document.createRange();
    range.setStart(bdi, 0);
    range.setEnd(node, offset);
    return start + codePoints(range.toString());
  }

  function update() {
    pending = false;
    if (!addForm) return;
    const selection = window.getSelection();
    const button = addForm.querySelector("button");
    button.disabled = true;
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
      info.textContent = t("Select text in the article that no claim covers.");
      return;
    }
    const range = selection.getRangeAt(0);
    if (!text.contains(range.startContainer) || !text.contains(range.endContainer)) return;
    const start = offsetOf(range.startContainer, range.startOffset);
    const end = offsetOf(range.endContainer, range.endOffset);
    if (start === null || end === null || end <= start) return;
    const touched = [...text.querySelectorAll(".claim-mark")].filter((m) => range.intersectsNode(m.querySelector("bdi")));
    if (touched.length) {
      info.textContent = t("The selection overlaps a claim: select plain (grey) text only.");
      return;
    }
    addForm.elements.start.value = start;
    addForm.elements.end.value = end;
    const quote = selection.toString().trim().replace(/\s+/g, " ");
    info.textContent = t("Characters %(start)s–%(end)s: “%(quote)s”", { start, end, quote: quote.length > 60 ? `${quote.slice(0, 59)}…` : quote });
    button.disabled = false;
  }

  document.addEventListener("selectionchange", () => {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(update);
    }
  });

  // Split at the cursor: place it in the claim's text box, or click into the claim in the article.
  function setSplit(form, at) {
    const input = form.querySelector("input[name=at]");
    if (input && at > Number(form.dataset.start) && at < Number(form.dataset.end)) input.value = at;
  }
  // The box holds the claim's text only to place a cursor in: edits are refused.
  ws.addEventListener("beforeinput", (event) => {
    if (event.target.closest?.(".split-source")) event.preventDefault();
  });
  ws.addEventListener("input", (event) => {
    const box = event.target.closest?.(".split-source");
    if (box) box.value = box.defaultValue;
  });
  for (const type of ["select", "keyup", "click", "focusin"]) {
    ws.addEventListener(type, (event) => {
      const box = event.target.closest?.(".split-source");
      if (!box) return;
      const form = box.closest("form.split-form");
      setSplit(form, Number(form.dataset.start) + codePoints(box.value.slice(0, box.selectionStart)));
    });
  }
  text.addEventListener("mouseup", () => {
    const selection = window.getSelection();
    if (!selection || !selection.isCollapsed || selection.rangeCount === 0) return;
    const form = ws.querySelector("form.split-form");
    const mark = selection.anchorNode?.parentElement?.closest(".claim-mark");
    if (!form || !mark || mark.dataset.claimId !== workspace.current()) return;
    const at = offsetOf(selection.anchorNode, selection.anchorOffset);
    if (at !== null) setSplit(form, at);
  });
}
