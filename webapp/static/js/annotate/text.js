// The text model. Offsets sent to the server are code points into the document's original
// text: each rendered piece carries `data-start` and its textContent is exactly that slice of
// the text, so highlights only ever wrap text.

import { reader, state } from "./state.js";

const SURROGATE = /[\uD800-\uDFFF]/;

export function codePoints(text) {
  return SURROGATE.test(text) ? Array.from(text).length : text.length;
}

// UTF-16 index of the code point `count` in `text`.
export function unitIndex(text, count) {
  if (!SURROGATE.test(text)) {
    return count;
  }
  let units = 0;
  let seen = 0;
  for (const char of text) {
    if (seen === count) {
      break;
    }
    units += char.length;
    seen += 1;
  }
  return units;
}

export function buildDocs() {
  reader.querySelectorAll(".doc-column[data-document-id]").forEach((column) => {
    const textRoot = column.querySelector(".doc-text");
    if (!textRoot) {
      return;
    }
    const segments = Array.from(textRoot.querySelectorAll("[data-start]"))
      .filter((el) => !el.querySelector("[data-start]"))
      .map((el) => {
        const text = el.textContent;
        const start = Number(el.dataset.start);
        return { el, start, end: start + codePoints(text), text, chars: null, simple: el.childElementCount === 0 };
      })
      .sort((x, y) => x.start - y.start);
    const id = String(column.dataset.documentId);
    state.docs.set(id, { id, side: column.dataset.side, column, textRoot, segments });
  });
}

export function docOfNode(node) {
  const element = node instanceof Element ? node : node.parentElement;
  const column = element ? element.closest(".doc-column[data-document-id]") : null;
  return column ? state.docs.get(String(column.dataset.documentId)) : null;
}

export function charsOf(segment) {
  if (segment.chars === null) {
    segment.chars = Array.from(segment.text);
  }
  return segment.chars;
}

// First segment whose end is after `offset` (binary search; segments are sorted).
function segmentIndex(doc, offset) {
  let low = 0;
  let high = doc.segments.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (doc.segments[middle].end <= offset) {
      low = middle + 1;
    } else {
      high = middle;
    }
  }
  return low;
}

export function segmentsBetween(doc, start, end) {
  const found = [];
  for (let i = segmentIndex(doc, start); i < doc.segments.length; i += 1) {
    const segment = doc.segments[i];
    if (segment.start >= end && !(segment.start === start && start === end)) {
      break;
    }
    found.push(segment);
  }
  return found;
}

export function sliceText(doc, start, end) {
  let quote = "";
  segmentsBetween(doc, start, end).forEach((segment) => {
    const chars = charsOf(segment);
    quote += chars.slice(Math.max(0, start - segment.start), Math.min(chars.length, end - segment.start)).join("");
  });
  return quote;
}


/** The sentence (or other piece) of `doc` that holds the code point at `offset`. */
export function sentenceAt(doc, offset) {
  const segment = doc.segments[segmentIndex(doc, offset)];
  return segment ? segment.el : null;
}
