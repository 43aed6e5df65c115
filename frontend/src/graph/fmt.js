// Short numbers for the graph's small labels, so that they fit their box at any size:
// 999 -> "999", 2047 -> "2.0k", 583682 -> "584k", 4.2e6 -> "4.2M"; bytes likewise
// (60.51 MiB -> "61 MiB"). The exact values are in the tooltips. `exactBelow`: where a
// label has room, counts under it stay exact (a node's "in 1000 · out 1").

/** @type {Array<[number, string]>} */
const UNITS = [
  [1e9, "G"],
  [1e6, "M"],
  [1e3, "k"],
];

export function short(n, exactBelow = 1000) {
  if (n === null || n === undefined || Number.isNaN(n)) return "–";
  const a = Math.abs(n);
  if (a < exactBelow) return String(Math.round(n));
  for (const [size, unit] of UNITS) {
    if (a >= size * 0.9995) {
      const v = n / size;
      return `${Math.abs(v) >= 9.95 ? Math.round(v) : v.toFixed(1)}${unit}`;
    }
  }
  return String(Math.round(n));
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

export function shortBytes(n) {
  if (!n) return "0 B";
  let v = n;
  let i = 0;
  while (Math.abs(v) >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${i === 0 || Math.abs(v) >= 9.95 ? Math.round(v) : v.toFixed(1)} ${BYTE_UNITS[i]}`;
}

// About how wide `text` is drawn at `size` px (our sans fonts average ~0.6 em a character;
// a bold face a little more). Used to keep labels apart without measuring the DOM.
export function textWidth(text, size = 11, bold = false) {
  return text.length * size * (bold ? 0.64 : 0.6);
}

// `text` cut to `width` px with an ellipsis.
export function clip(text, width, size = 11, bold = false) {
  const max = Math.floor(width / (size * (bold ? 0.64 : 0.6)));
  return text.length > max ? `${text.slice(0, Math.max(1, max - 1))}…` : text;
}

export function plural(n, word) {
  return `${short(n)} ${n === 1 ? word : `${word}s`}`;
}
