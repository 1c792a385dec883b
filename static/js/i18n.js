// The texts scripts show, in the page's language: base.html puts them in <body data-i18n>
// (JSON from factcheck/web/i18n.py, no inline script), keyed by the English text. t() falls back to
// the English text and fills %(name)s from vars, as the Python side does.
let table = null;

function strings() {
  if (table === null) {
    try { table = JSON.parse(document.body.dataset.i18n || "{}"); } catch { table = {}; }
  }
  return table;
}

export function t(text, vars = {}) {
  const out = strings()[text] || text;
  return out.replace(/%\((\w+)\)s/g, (m, name) => (name in vars ? String(vars[name]) : m));
}

/** A vocabulary value ("confirmed", "supports") in the page's words, lower-cased. */
export function word(value) {
  const label = value.charAt(0).toUpperCase() + value.slice(1);
  const out = t(label);
  return out === label ? value : out.toLowerCase();
}
