// Highlights: every annotation drawn as marks around the text it covers, in its tags' colours;
// overlapping annotations nest, outermost first.

import { reader, relationName, state } from "./state.js";
import { textWalker } from "./selection.js";
import { codePoints, segmentsBetween, unitIndex } from "./text.js";

// Every [start, end) drawn in a document: an annotation's own span and the far end of a link.
function rangesIn(docId) {
  const ranges = [];
  state.annotations.forEach((ann) => {
    if (String(ann.document_id) === docId) {
      ranges.push({ ann, start: ann.start, end: ann.end, role: "main" });
    }
    const link = ann.link;
    if (link && String(link.document_id) === docId) {
      ranges.push({ ann, start: link.start, end: link.end, role: "link" });
    }
  });
  return ranges;
}

function outerFirst(x, y) {
  return x.start - y.start || y.end - x.end || (x.ann.id < y.ann.id ? -1 : x.ann.id > y.ann.id ? 1 : 0);
}

export function tagNames(ann) {
  return (ann.tags || []).map((tag) => tag.name || tag.key).join(", ");
}

export function colourOf(tag) {
  if (tag && tag.colour) {
    return tag.colour;
  }
  const known = tag ? state.tagsByKey.get(tag.key) : null;
  return known ? known.colour : "#dddddd";
}

/** A tag's marker: its shortcut key in the tag set, or its position when it has none. */
export function markerOf(tag) {
  const known = tag ? state.tagsByKey.get(tag.key) : null;
  if (known && known.shortcut) {
    return known.shortcut;
  }
  const index = known ? state.tagSet.tags.indexOf(known) : -1;
  return index >= 0 ? String(index + 1) : "?";
}

function makeMark(range, depth, first, text) {
  const ann = range.ann;
  const mark = document.createElement("mark");
  mark.className = "hl";
  mark.dataset.annotationId = ann.id;
  mark.dataset.depth = String(Math.min(depth, 3));
  const tags = ann.tags || [];
  mark.style.setProperty("--hl", colourOf(tags[0]));
  if (tags.length > 1) {
    mark.classList.add("hl-multi");
    mark.style.setProperty("--hl2", colourOf(tags[1]));
  }
  if (ann.link) {
    mark.classList.add("hl-linked");
  }
  if (range.role === "link") {
    mark.classList.add("hl-far");
  }
  if (ann.pending) {
    mark.classList.add("is-pending");
  }
  let label = tagNames(ann) || "Untagged";
  if (ann.relation) {
    label += ` (${relationName(ann.relation)})`;
  }
  if (ann.note) {
    label += `: ${ann.note}`;
  }
  if (ann.pending) {
    label += " (not saved yet)";
  }
  // A suggestion: a dashed outline and a "◇" marker (see suggestions.js), its reason in its name.
  const suggested = ann.status === "suggested";
  if (suggested) {
    mark.classList.add("hl-suggested");
    label = `Suggestion: ${tagNames(ann)}. Why: ${ann.reason || "no reason given"}`;
  }
  mark.title = label;
  if (first) {
    // The first piece is the highlight's control: a button named by its tags and note, reached
    // with the arrow keys inside its article (compare.js keeps one Tab stop per article).
    mark.tabIndex = -1;
    mark.dataset.first = "true";
    mark.dataset.role = range.role;
    mark.setAttribute("role", "button");
    // The name starts with the words shown, so speech input finds it by what it reads.
    mark.setAttribute("aria-label", suggested ? `${text}. ${label}` : `${text}. Annotation: ${label}`);
    // Each tag's marker (its key in the tag set) says which tag it is without colour.
    mark.dataset.marker = (suggested ? "◇ " : "") + tags.map(markerOf).join(" ");
  }
  return mark;
}

// The pieces of one text node covering [nodeStart, nodeEnd), each wrapped in the marks of
// the ranges covering it, outermost first; boundaries are sorted once per node.
function drawTextNode(textNode, nodeStart, ranges) {
  const text = textNode.data;
  const nodeEnd = nodeStart + codePoints(text);
  const covering = ranges.filter((r) => r.start < nodeEnd && r.end > nodeStart);
  if (covering.length === 0) {
    return;
  }
  covering.sort(outerFirst);
  const cuts = new Set([nodeStart, nodeEnd]);
  covering.forEach((r) => {
    cuts.add(Math.max(r.start, nodeStart));
    cuts.add(Math.min(r.end, nodeEnd));
  });
  const bounds = Array.from(cuts).sort((x, y) => x - y);
  const fragment = document.createDocumentFragment();
  const root = textNode.parentElement ? textNode.parentElement.closest(".doc-text") : null;
  const claimed = new Set();
  const keyOf = (r) => `${r.ann.id} ${r.role}`;
  const hasControl = (r) =>
    claimed.has(keyOf(r)) ||
    Boolean(
      root &&
        root.querySelector(`mark[data-first][data-role="${r.role}"][data-annotation-id="${CSS.escape(String(r.ann.id))}"]`),
    );
  for (let i = 0; i + 1 < bounds.length; i += 1) {
    const from = bounds[i];
    const to = bounds[i + 1];
    const piece = document.createTextNode(
      text.slice(unitIndex(text, from - nodeStart), unitIndex(text, to - nodeStart)),
    );
    const chain = covering.filter((r) => r.start <= from && r.end >= to);
    // A highlight's control (its button) is its first piece that holds no other control: one
    // per chain of nested marks, the innermost that has none yet, so buttons never nest.
    let control = null;
    for (let k = chain.length - 1; k >= 0 && !control; k -= 1) {
      if (!hasControl(chain[k])) {
        control = chain[k];
      }
    }
    if (control) {
      claimed.add(keyOf(control));
    }
    let parent = fragment;
    chain.forEach((r, depth) => {
      const mark = makeMark(r, depth, r === control, piece.data);
      parent.appendChild(mark);
      parent = mark;
    });
    parent.appendChild(piece);
  }
  textNode.replaceWith(fragment);
}

function drawSegment(segment, ranges) {
  const el = segment.el;
  const mine = ranges.filter((r) => r.start < segment.end && r.end > segment.start);
  if (segment.simple) {
    if (el.firstChild && el.firstChild === el.lastChild && el.firstChild.nodeType === Node.TEXT_NODE && mine.length === 0) {
      return;
    }
    el.textContent = segment.text;
    if (mine.length) {
      drawTextNode(el.firstChild, segment.start, mine);
    }
    return;
  }
  el.querySelectorAll("mark.hl").forEach((mark) => mark.replaceWith(...mark.childNodes));
  el.normalize();
  if (mine.length === 0) {
    return;
  }
  const walker = textWalker(el);
  const nodes = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push(node);
  }
  let offset = segment.start;
  nodes.forEach((node) => {
    const length = codePoints(node.data);
    drawTextNode(node, offset, mine);
    offset += length;
  });
}

export function drawDoc(doc) {
  const ranges = rangesIn(doc.id);
  doc.segments.forEach((segment) => drawSegment(segment, ranges));
}

// Redraw only the segments that [start, end) of `docId` touches.
function redrawSpan(docId, start, end) {
  const doc = state.docs.get(String(docId));
  if (!doc) {
    return;
  }
  const ranges = rangesIn(doc.id);
  // A highlight that has the focus is redrawn under it (a save answered, an edit): the focus
  // moves to its new first piece, or to its sentence when it is gone, never to the page.
  const active = document.activeElement;
  const focused = active instanceof Element && active.matches("mark.hl") && doc.textRoot.contains(active) ? active : null;
  const sentence = focused ? focused.closest(".s") : null;
  segmentsBetween(doc, start, end).forEach((segment) => drawSegment(segment, ranges));
  if (focused && !document.contains(focused)) {
    const mark = firstMark(focused.dataset.annotationId);
    const target = mark || sentence;
    if (target) {
      target.focus({ preventScroll: true });
    }
  }
}

export function redrawAnnotation(ann) {
  redrawSpan(ann.document_id, ann.start, ann.end);
  if (ann.link) {
    redrawSpan(ann.link.document_id, ann.link.start, ann.link.end);
  }
}

export function marksOf(id) {
  return reader.querySelectorAll(`mark.hl[data-annotation-id="${CSS.escape(String(id))}"]`);
}


/** The highlight of annotation `id` that takes the focus (its first piece), or null. */
export function firstMark(id) {
  const marks = marksOf(id);
  return Array.from(marks).find((mark) => mark.dataset.first === "true") || marks[0] || null;
}
