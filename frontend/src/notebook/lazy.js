// Editors only where they are seen: a cell gets its CodeMirror editor when it comes near the
// viewport (one editor per idle slice, so fast scrolling never makes a long task), and gives
// it back when it is far away, clean and not focused. Until then it shows a plain <pre>.

const NEAR = "600px 0px";
const FAR = "3000px 0px";
const BUDGET_MS = 12;

const later = (fn) => (window.requestIdleCallback ? requestIdleCallback(fn, { timeout: 120 }) : setTimeout(fn, 16));

// `cellOf(el)` -> the Cell of a cell element. Returns {watch(cell), forget(cell), disconnect()}.
export function lazyEditors(cellOf) {
  const wanted = new Set();
  let pumping = false;

  function pump() {
    if (pumping) return;
    pumping = true;
    later(function step() {
      const t0 = performance.now();
      for (const cell of wanted) {
        if (performance.now() - t0 > BUDGET_MS) break;
        wanted.delete(cell);
        cell.mountEditor();
      }
      if (wanted.size) later(step);
      else pumping = false;
    });
  }

  const near = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const cell = cellOf(entry.target);
        if (!cell) continue;
        if (entry.isIntersecting && !cell.view) wanted.add(cell);
        else wanted.delete(cell);
      }
      if (wanted.size) pump();
    },
    { rootMargin: NEAR },
  );

  const far = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        const cell = cellOf(entry.target);
        if (cell && !entry.isIntersecting) cell.unmountEditor();
      }
    },
    { rootMargin: FAR },
  );

  return {
    watch(cell) {
      near.observe(cell.el);
      far.observe(cell.el);
    },
    forget(cell) {
      wanted.delete(cell);
      near.unobserve(cell.el);
      far.unobserve(cell.el);
    },
    disconnect() {
      wanted.clear();
      near.disconnect();
      far.disconnect();
    },
  };
}
