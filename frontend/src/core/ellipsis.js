// Text cut with an ellipsis (CSS) gets its full text as a tooltip, and only then: a title
// that fits shows no tooltip. The check runs whenever the element changes size.
const watched = new WeakMap();
let observer = null;

function check(el) {
  const full = watched.get(el);
  if (full === undefined) return;
  if (el.scrollWidth > el.clientWidth + 1) el.title = full;
  else el.removeAttribute("title");
}

/** Show `text` in `el`; a tooltip with it while `el` is too narrow to show it all. */
export function setCutText(el, text) {
  if (el.textContent !== text) el.textContent = text;
  watched.set(el, text);
  if (!observer)
    observer = new ResizeObserver((entries) => {
      for (const e of entries) check(e.target);
    });
  observer.observe(el);
  requestAnimationFrame(() => check(el));
}
