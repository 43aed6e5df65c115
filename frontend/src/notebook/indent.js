// Indentation of a cell: the file's own (tabs, or the step its indented lines share), else
// 4 spaces (PEP 8, and what blocks are written with). Tab indents, Shift-Tab dedents.
import { indentLess, indentMore } from "@codemirror/commands";
import { indentUnit } from "@codemirror/language";
import { EditorSelection } from "@codemirror/state";

export const DEFAULT_UNIT = "    ";

// The indent unit of `text`: "\t" when its indented lines mostly start with a tab, else the
// smallest step between indentation levels (2 to 8 spaces), else 4 spaces.
export function detectIndent(text) {
  let tabs = 0;
  let spaced = 0;
  const steps = new Map();
  let previous = 0;
  for (const line of (text || "").split("\n")) {
    if (!line.trim()) continue;
    const lead = /^[ \t]*/.exec(line)[0];
    if (lead.startsWith("\t")) {
      tabs++;
      continue;
    }
    const width = lead.length;
    if (width > 0) spaced++;
    const step = Math.abs(width - previous);
    if (step >= 2 && step <= 8) steps.set(step, (steps.get(step) || 0) + 1);
    previous = width;
  }
  if (tabs > spaced) return "\t";
  if (!steps.size) return DEFAULT_UNIT;
  // The most common step; ties go to the smaller one (2 when levels go 2, 4, 6).
  const [step] = [...steps.entries()].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0];
  return " ".repeat(step);
}

// Tab: with a selection, indent its lines; with a cursor, insert spaces up to the next indent
// stop (a tab when the unit is one). Jupyter's Tab, without leaving the editor.
function indentOrInsert(view) {
  const { state } = view;
  if (state.selection.ranges.some((r) => !r.empty)) return indentMore(view);
  const unit = state.facet(indentUnit);
  const changes = state.changeByRange((range) => {
    const line = state.doc.lineAt(range.head);
    const column = range.head - line.from;
    const insert = unit === "\t" ? "\t" : " ".repeat(unit.length - (column % unit.length));
    return {
      changes: { from: range.head, insert },
      range: EditorSelection.cursor(range.head + insert.length),
    };
  });
  view.dispatch(state.update(changes, { scrollIntoView: true, userEvent: "input" }));
  return true;
}

// The keys and the unit, for createEditor. Escape then Tab still moves focus on (CodeMirror's
// tab focus mode), so a keyboard user is never trapped in a cell.
export function indentation(text) {
  const unit = detectIndent(text);
  return {
    unit,
    extension: indentUnit.of(unit),
    keys: [{ key: "Tab", run: indentOrInsert, shift: indentLess }],
  };
}
