// A child's lineage in words, from the `lineage` of its row (GET .../children): where each
// input came from. "B:7 × C:3" (D:7:3 was made from B's child 7 and C's child 3); a dynamic
// upstream gives one item: "A #4" (item 4 of A's output); a reduce gives its list.

export function sourceText(src) {
  if (!src.uuid) return `${src.block} (reduced${src.key.length ? ` ${src.key.join(":")}` : ""})`;
  return src.item === null || src.item === undefined ? src.uuid : `${src.uuid} #${src.item}`;
}

export function lineageText(row) {
  const lineage = row && row.lineage;
  return lineage && lineage.length ? lineage.map(sourceText).join(" × ") : "";
}

// The tooltip: one line per input port.
export function lineageTitle(row) {
  const lineage = row && row.lineage;
  if (!lineage || !lineage.length) return "";
  return lineage
    .map(
      (s) =>
        `${s.port} ← ${s.item === null || s.item === undefined ? `the output of ${s.uuid || s.block}` : `item ${s.item} of ${s.uuid}`}`,
    )
    .join("\n");
}
