// Qualia's turn selector: turns of a transcript as plain text, existing passages as coloured marks, and the
// reader's text selection reported as character offsets in each turn's text (Unicode code points, as Python
// counts them). Every transcript-derived string goes into the DOM as text (createTextNode, textContent,
// title), never as HTML.
//
// data: {turns: [{turn, speaker, time, text, marks: [{start, end, color, label}]}], pending: [{turn, start, end}]}
// state "selection": {seq, segments: [{turn, start, end}]} after each mouse or keyboard selection over turns.

const COLOR = /^#[0-9a-fA-F]{6}$/;

function codePoints(text) {
  // UTF-16 index of each code point boundary: bounds[i] is where code point i starts; bounds[n] = text.length.
  const bounds = [0];
  let i = 0;
  for (const ch of text) {
    i += ch.length;
    bounds.push(i);
  }
  return bounds;
}

function pieces(text, marks, pending) {
  // The turn's text cut at every mark boundary (in code points): [{from, to, marks, pending}].
  const bounds = codePoints(text);
  const n = bounds.length - 1;
  const cuts = new Set([0, n]);
  for (const m of marks.concat(pending)) {
    cuts.add(Math.max(0, Math.min(n, m.start)));
    cuts.add(Math.max(0, Math.min(n, m.end)));
  }
  const sorted = [...cuts].sort((a, b) => a - b);
  const out = [];
  for (let k = 0; k + 1 < sorted.length; k++) {
    const from = sorted[k], to = sorted[k + 1];
    if (from === to) continue;
    out.push({
      text: text.slice(bounds[from], bounds[to]),
      marks: marks.filter((m) => m.start <= from && m.end >= to),
      pending: pending.some((m) => m.start <= from && m.end >= to),
    });
  }
  return out;
}

function background(marks) {
  const colors = marks.map((m) => (COLOR.test(m.color) ? m.color : "#999999") + "55");
  if (colors.length === 1) return colors[0];
  // several codes on the same words: stripes of each colour
  const stops = colors.map((c, i) => `${c} ${(i * 100) / colors.length}% ${((i + 1) * 100) / colors.length}%`);
  return `linear-gradient(180deg, ${stops.join(", ")})`;
}

function drawTurn(turn, pendingHere) {
  const row = document.createElement("div");
  row.className = "qts-turn";
  row.dataset.turn = String(turn.turn);
  const head = document.createElement("div");
  head.className = "qts-head";
  head.textContent = [turn.time, turn.speaker].filter(Boolean).join("  ");
  const body = document.createElement("div");
  body.className = "qts-text";
  body.dataset.turn = String(turn.turn);
  for (const p of pieces(turn.text, turn.marks || [], pendingHere)) {
    if (!p.marks.length && !p.pending) {
      body.appendChild(document.createTextNode(p.text));
      continue;
    }
    const span = document.createElement("span");
    span.className = "qts-mark" + (p.pending ? " qts-pending" : "");
    if (p.marks.length) {
      span.style.background = background(p.marks);
      span.title = p.marks.map((m) => m.label).join(", ");
      span.dataset.codes = p.marks.map((m) => m.label).join("\n");
    }
    span.textContent = p.text;
    body.appendChild(span);
  }
  row.appendChild(head);
  row.appendChild(body);
  return row;
}

function unitsToCodePoints(text, units) {
  // A UTF-16 offset as a code point offset; an offset inside a surrogate pair moves past the pair's start.
  return Array.from(text.slice(0, units)).length;
}

function segmentsOf(range, root) {
  // The part of `range` inside each turn's text, as code point offsets in that turn's text.
  const segments = [];
  for (const body of root.querySelectorAll(".qts-text")) {
    if (!range.intersectsNode(body)) continue;
    const inside = document.createRange();
    inside.selectNodeContents(body);
    if (range.compareBoundaryPoints(Range.START_TO_START, inside) > 0) {
      inside.setStart(range.startContainer, range.startOffset);
    }
    if (range.compareBoundaryPoints(Range.END_TO_END, inside) < 0) {
      inside.setEnd(range.endContainer, range.endOffset);
    }
    const before = document.createRange();
    before.selectNodeContents(body);
    before.setEnd(inside.startContainer, inside.startOffset);
    const text = body.textContent;
    let startUnits = before.toString().length;
    let endUnits = startUnits + inside.toString().length;
    // never half a surrogate pair: widen to the whole character
    if (startUnits > 0 && /[\uDC00-\uDFFF]/.test(text[startUnits] || "") && /[\uD800-\uDBFF]/.test(text[startUnits - 1])) {
      startUnits -= 1;
    }
    if (endUnits < text.length && /[\uDC00-\uDFFF]/.test(text[endUnits]) && /[\uD800-\uDBFF]/.test(text[endUnits - 1] || "")) {
      endUnits += 1;
    }
    const start = unitsToCodePoints(text, startUnits);
    const end = unitsToCodePoints(text, endUnits);
    if (end > start) segments.push({ turn: Number(body.dataset.turn), start, end });
  }
  return segments;
}

export default function (component) {
  const { data, parentElement, setStateValue } = component;
  if (parentElement.__qtsCleanup) parentElement.__qtsCleanup(); // the function runs again on each data change
  let root = parentElement.querySelector(".qts-root");
  if (!root) {
    root = document.createElement("div");
    root.className = "qts-root";
    parentElement.appendChild(root);
  }
  root.replaceChildren();
  const turns = (data && data.turns) || [];
  const pending = (data && data.pending) || [];
  for (const turn of turns) {
    root.appendChild(drawTurn(turn, pending.filter((p) => p.turn === turn.turn)));
  }
  if (!turns.length) {
    const empty = document.createElement("div");
    empty.className = "qts-empty";
    empty.textContent = (data && data.empty) || "No turns.";
    root.appendChild(empty);
  }

  let seq = Date.now();
  const report = () => {
    const selection = window.getSelection();
    if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return;
    const range = selection.getRangeAt(0);
    if (!range.intersectsNode(root)) return;
    const segments = segmentsOf(range, root);
    if (!segments.length) return;
    seq += 1;
    setStateValue("selection", { seq, segments });
  };
  const onKey = (event) => {
    if (event.shiftKey || event.key === "Shift") report();
  };
  document.addEventListener("mouseup", report);
  document.addEventListener("keyup", onKey);
  parentElement.__qtsCleanup = () => {
    document.removeEventListener("mouseup", report);
    document.removeEventListener("keyup", onKey);
  };
  return parentElement.__qtsCleanup;
}
