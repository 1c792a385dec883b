// Work done in the background (a file being prepared, articles/render_status.html; a URL
// import, articles/import_status.html): check the page again every few seconds and show
// its new state in place; when it is ready, go to data-download (the file, or the new
// article). Without JavaScript the page offers a "Check again" link instead.
export function initPoll(el) {
  const seconds = Number(el.dataset.poll) || 3;
  const tick = async () => {
    let doc;
    try {
      const resp = await fetch(window.location.href, {
        headers: { Accept: "text/html", "X-Poll": "1" },
      });
      if (!resp.ok) throw new Error(String(resp.status));
      doc = new DOMParser().parseFromString(await resp.text(), "text/html");
    } catch {
      window.setTimeout(tick, seconds * 1000); // a hiccup: try again
      return;
    }
    const fresh = doc.querySelector("[data-render-state]");
    if (!fresh) return;
    el.replaceChildren(...fresh.childNodes);
    el.dataset.renderState = fresh.dataset.renderState;
    if (fresh.dataset.renderState === "ready") {
      window.location.assign(fresh.dataset.download);
    } else if (fresh.dataset.renderState !== "failed") {
      window.setTimeout(tick, seconds * 1000);
    }
  };
  window.setTimeout(tick, seconds * 1000);
}
