// One cell's CodeMirror 6 editor: Python with the file's own indentation (indent.js),
// Shift-Enter to run and move on, Ctrl/Cmd-Enter to run in place (Ctrl/Cmd-S is the
// notebook's: it saves from anywhere on the page), and a marked error line (line decoration,
// gutter marker and the message at the line's end).
import { EditorView, basicSetup } from "codemirror";
import { python } from "@codemirror/lang-python";
import { EditorState, Prec, RangeSet, StateEffect, StateField } from "@codemirror/state";
import { Decoration, GutterMarker, WidgetType, gutter, keymap } from "@codemirror/view";
import { indentation } from "./indent.js";

/** @type {import("@codemirror/state").StateEffectType<{line?: number | null, message?: string} | null>} */
const setError = StateEffect.define(); // {line, message} | null

class ErrorMarker extends GutterMarker {
  constructor(message) {
    super();
    this.message = message;
  }
  eq(other) {
    return other.message === this.message;
  }
  toDOM() {
    const el = document.createElement("span");
    el.className = "cm-error-marker";
    el.textContent = "●";
    el.title = this.message;
    return el;
  }
}

class ErrorMessage extends WidgetType {
  constructor(message) {
    super();
    this.message = message;
  }
  eq(other) {
    return other.message === this.message;
  }
  toDOM() {
    const el = document.createElement("span");
    el.className = "cm-error-message";
    el.textContent = this.message;
    return el;
  }
  ignoreEvent() {
    return false;
  }
}

const errorLine = Decoration.line({ class: "cm-error-line" });

const errorField = StateField.define({
  create: () => ({ deco: Decoration.none, markers: RangeSet.empty }),
  update(value, tr) {
    let { deco, markers } = value;
    if (tr.docChanged) {
      deco = deco.map(tr.changes);
      markers = markers.map(tr.changes);
    }
    for (const effect of tr.effects) {
      if (!effect.is(setError)) continue;
      const error = effect.value;
      if (!error || !error.line) {
        deco = Decoration.none;
        markers = RangeSet.empty;
        continue;
      }
      const doc = tr.state.doc;
      const at = doc.line(Math.min(Math.max(1, error.line), doc.lines));
      const short = (error.message || "").split("\n")[0].slice(0, 160);
      deco = Decoration.set([
        errorLine.range(at.from),
        Decoration.widget({ widget: new ErrorMessage(short), side: 1 }).range(at.to),
      ]);
      markers = RangeSet.of([new ErrorMarker(error.message || "error").range(at.from)]);
    }
    return { deco, markers };
  },
  provide: (field) => EditorView.decorations.from(field, (value) => value.deco),
});

const errorGutter = gutter({
  class: "cm-error-gutter",
  markers: (view) => view.state.field(errorField).markers,
});

const theme = EditorView.theme({
  "&": { fontSize: "13px", backgroundColor: "#fff" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { fontFamily: "var(--mono)", lineHeight: "1.55" },
  ".cm-content": { padding: "6px 0" },
  ".cm-gutters": { backgroundColor: "#fafbfc", borderRight: "1px solid #eceff4", color: "#a0a7b5" },
  ".cm-activeLineGutter": { backgroundColor: "#eef2fa" },
  ".cm-activeLine": { backgroundColor: "#f5f8fe" },
});

// Mount an editor in `parent`. `on`: {change(view), run({moveOn})}.
export function createEditor(parent, doc, on) {
  const indent = indentation(doc);
  const keys = Prec.highest(
    keymap.of([
      {
        key: "Shift-Enter",
        preventDefault: true,
        run: () => {
          on.run({ moveOn: true });
          return true;
        },
      },
      {
        key: "Mod-Enter",
        preventDefault: true,
        run: () => {
          on.run({ moveOn: false });
          return true;
        },
      },
      ...indent.keys,
    ]),
  );
  const state = EditorState.create({
    doc,
    extensions: [
      keys,
      indent.extension,
      EditorState.tabSize.of(4),
      errorGutter,
      basicSetup,
      python(),
      errorField,
      theme,
      EditorView.updateListener.of((update) => {
        if (update.docChanged) on.change(update.view);
      }),
    ],
  });
  return new EditorView({ state, parent });
}

export function markError(view, error) {
  view.dispatch({ effects: setError.of(error && error.line ? error : null) });
}

// The line number now marked (it follows edits), or null.
export function markedLine(view) {
  const cursor = view.state.field(errorField).markers.iter();
  return cursor.value ? view.state.doc.lineAt(cursor.from).number : null;
}

// Replace the document with `text`, touching only the part that differs, so that the cursor
// and scroll position survive an edit made in another editor.
export function replaceDoc(view, text) {
  const old = view.state.doc.toString();
  if (old === text) return;
  let start = 0;
  const max = Math.min(old.length, text.length);
  while (start < max && old.charCodeAt(start) === text.charCodeAt(start)) start++;
  let endOld = old.length;
  let endNew = text.length;
  while (endOld > start && endNew > start && old.charCodeAt(endOld - 1) === text.charCodeAt(endNew - 1)) {
    endOld--;
    endNew--;
  }
  view.dispatch({ changes: { from: start, to: endOld, insert: text.slice(start, endNew) } });
}
