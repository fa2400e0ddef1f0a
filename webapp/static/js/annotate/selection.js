// From the browser's selection to a span of a document: {doc, start, end, quote, rect}.

import { codePoints, docOfNode, sliceText } from "./text.js";

export function textWalker(root) {
  return document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
}

function segmentElementOf(node) {
  const element = node instanceof Element ? node : node.parentElement;
  return element ? element.closest("[data-start]") : null;
}

function isDocText(doc, node) {
  const segment = segmentElementOf(node);
  return Boolean(segment) && doc.textRoot.contains(segment);
}

// The last text node inside `node` (or `node` itself), or null.
function lastTextIn(walker, node) {
  if (node.nodeType === Node.TEXT_NODE) {
    return node;
  }
  walker.currentNode = node;
  let last = null;
  for (let next = walker.nextNode(); next && node.contains(next); next = walker.nextNode()) {
    last = next;
  }
  return last;
}

// Turn a DOM boundary into a text node of the document and an offset in it. A start moves
// forward and an end backward past anything that is not document text (such as a badge).
function textBoundary(doc, container, offset, forward) {
  const walker = textWalker(doc.column);
  let node = null;
  let position = 0;
  if (container.nodeType === Node.TEXT_NODE) {
    node = container;
    position = offset;
  } else if (forward) {
    const child = container.childNodes[offset];
    if (child) {
      walker.currentNode = child;
      node = child.nodeType === Node.TEXT_NODE ? child : walker.nextNode();
    } else {
      const last = lastTextIn(walker, container);
      walker.currentNode = last || container;
      node = walker.nextNode();
    }
  } else {
    const child = offset > 0 ? container.childNodes[offset - 1] : null;
    node = child ? lastTextIn(walker, child) : null;
    if (!node) {
      walker.currentNode = child || container;
      node = walker.previousNode();
    }
    position = node ? node.data.length : 0;
  }
  walker.currentNode = node || doc.column;
  while (node && !isDocText(doc, node)) {
    node = forward ? walker.nextNode() : walker.previousNode();
    position = forward || !node ? 0 : node.data.length;
  }
  return node ? { node, position } : null;
}

function offsetOf(doc, boundary) {
  const segmentEl = segmentElementOf(boundary.node);
  let count = Number(segmentEl.dataset.start);
  const walker = textWalker(segmentEl);
  let node = walker.nextNode();
  while (node && node !== boundary.node) {
    count += codePoints(node.data);
    node = walker.nextNode();
  }
  return count + codePoints(boundary.node.data.slice(0, boundary.position));
}

// The selection as {doc, start, end, quote}, null when there is none, or {error}.
export function readSelection(selection) {
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) {
    return null;
  }
  const range = selection.getRangeAt(0);
  const startDoc = docOfNode(range.startContainer);
  const endDoc = docOfNode(range.endContainer);
  if (!startDoc && !endDoc) {
    return null;
  }
  if (startDoc !== endDoc) {
    return { error: "Select text within one article: a tag cannot span both columns." };
  }
  return spanOfRange(startDoc, range);
}

function spanOfRange(doc, range) {
  const first = textBoundary(doc, range.startContainer, range.startOffset, true);
  const last = textBoundary(doc, range.endContainer, range.endOffset, false);
  if (!first || !last) {
    return null;
  }
  let start = offsetOf(doc, first);
  let end = offsetOf(doc, last);
  if (end <= start) {
    return null;
  }
  const chars = Array.from(sliceText(doc, start, end));
  let head = 0;
  while (head < chars.length && /\s/.test(chars[head])) {
    head += 1;
  }
  let tail = chars.length;
  while (tail > head && /\s/.test(chars[tail - 1])) {
    tail -= 1;
  }
  if (tail === head) {
    return null;
  }
  end = start + tail;
  start += head;
  return { doc, start, end, quote: chars.slice(head, tail).join(""), rect: range.getBoundingClientRect() };
}


/** Select the whole text of `element`, as a triple click or the `a` key does. */
export function selectContents(element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
}

/** The span of the whole text of `element` (a sentence) in `doc`, trimmed like a selection. */
export function spanOfElement(doc, element) {
  const range = document.createRange();
  range.selectNodeContents(element);
  return spanOfRange(doc, range);
}
