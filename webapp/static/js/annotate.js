"use strict";

// Annotating a comparison: select text in a column, pick a tag (click or shortcut key), add a
// note, save; highlights show every annotation in its tag's colour. Offsets sent to the server
// are code points into the document's original text: each rendered piece carries `data-start`
// and its textContent is exactly that slice of the text, so highlights only ever wrap text.
(function () {
  const reader = document.getElementById("reader");
  const picker = document.getElementById("ann-picker");
  const editor = document.getElementById("ann-editor");
  const statusBox = document.getElementById("ann-status");
  if (!reader || !picker || !editor || !statusBox) {
    return;
  }

  const RELATIONS = [
    ["b-adds", "B adds"],
    ["b-softens", "B softens"],
    ["b-sharpens", "B sharpens"],
    ["omitted-in-b", "Omitted in B"],
    ["reframed", "Reframed"],
    ["same-fact", "Same fact"],
  ];
  const UNDO_SECONDS = 8;
  const SURROGATE = /[\uD800-\uDFFF]/;
  const csrfMeta = document.querySelector('meta[name="csrf-token"]');
  const csrfToken = csrfMeta ? csrfMeta.content : "";
  const config = reader.dataset;
  // A closed exercise: the highlights show, but nothing can be tagged or changed.
  const readOnly = config.readOnly === "true";

  const docs = new Map(); // document id -> {id, side, column, text, segments}
  const annotations = new Map(); // annotation id -> annotation
  let tagSet = { key: config.tagSetKey || "", name: "", tags: [] };
  let tagsByKey = new Map();
  let pending = null; // the span being tagged in the picker
  let editing = null; // the annotation open in the editor
  let returnFocus = null;
  let mouseDown = false;
  let selectionTimer = 0;
  let undoTimer = 0;

  // -- text model ---------------------------------------------------------------------------

  function codePoints(text) {
    return SURROGATE.test(text) ? Array.from(text).length : text.length;
  }

  // UTF-16 index of the code point `count` in `text`.
  function unitIndex(text, count) {
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

  function buildDocs() {
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
      docs.set(id, { id, side: column.dataset.side, column, textRoot, segments });
    });
  }

  function docOfNode(node) {
    const element = node instanceof Element ? node : node.parentElement;
    const column = element ? element.closest(".doc-column[data-document-id]") : null;
    return column ? docs.get(String(column.dataset.documentId)) : null;
  }

  function charsOf(segment) {
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

  function segmentsBetween(doc, start, end) {
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

  function sliceText(doc, start, end) {
    let quote = "";
    segmentsBetween(doc, start, end).forEach((segment) => {
      const chars = charsOf(segment);
      quote += chars.slice(Math.max(0, start - segment.start), Math.min(chars.length, end - segment.start)).join("");
    });
    return quote;
  }

  // -- selection -> offsets -----------------------------------------------------------------

  function textWalker(root) {
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
  function readSelection(selection) {
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

  // -- highlights ---------------------------------------------------------------------------

  // Every [start, end) drawn in a document: an annotation's own span and the far end of a link.
  function rangesIn(docId) {
    const ranges = [];
    annotations.forEach((ann) => {
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

  function tagNames(ann) {
    return (ann.tags || []).map((tag) => tag.name || tag.key).join(", ");
  }

  function colourOf(tag) {
    if (tag && tag.colour) {
      return tag.colour;
    }
    const known = tag ? tagsByKey.get(tag.key) : null;
    return known ? known.colour : "#dddddd";
  }

  function makeMark(range, depth, first) {
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
    mark.title = label;
    if (first) {
      mark.tabIndex = 0;
      mark.setAttribute("aria-label", `Annotation: ${label}`);
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
    for (let i = 0; i + 1 < bounds.length; i += 1) {
      const from = bounds[i];
      const to = bounds[i + 1];
      const piece = document.createTextNode(
        text.slice(unitIndex(text, from - nodeStart), unitIndex(text, to - nodeStart)),
      );
      let parent = fragment;
      let depth = 0;
      covering.forEach((r) => {
        if (r.start <= from && r.end >= to) {
          const mark = makeMark(r, depth, from === r.start);
          parent.appendChild(mark);
          parent = mark;
          depth += 1;
        }
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

  function drawDoc(doc) {
    const ranges = rangesIn(doc.id);
    doc.segments.forEach((segment) => drawSegment(segment, ranges));
  }

  // Redraw only the segments that [start, end) of `docId` touches.
  function redrawSpan(docId, start, end) {
    const doc = docs.get(String(docId));
    if (!doc) {
      return;
    }
    const ranges = rangesIn(doc.id);
    segmentsBetween(doc, start, end).forEach((segment) => drawSegment(segment, ranges));
  }

  function redrawAnnotation(ann) {
    redrawSpan(ann.document_id, ann.start, ann.end);
    if (ann.link) {
      redrawSpan(ann.link.document_id, ann.link.start, ann.link.end);
    }
  }

  function marksOf(id) {
    return reader.querySelectorAll(`mark.hl[data-annotation-id="${CSS.escape(String(id))}"]`);
  }

  // -- server -------------------------------------------------------------------------------

  async function request(method, url, body) {
    const options = { method, headers: { Accept: "application/json" }, credentials: "same-origin" };
    if (method !== "GET") {
      options.headers["X-CSRFToken"] = csrfToken;
    }
    if (body !== undefined) {
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    const response = await fetch(url, options);
    let data = null;
    try {
      data = await response.json();
    } catch (error) {
      data = null;
    }
    if (!response.ok) {
      const message = data && data.message ? data.message : `The server answered ${response.status}.`;
      const failure = new Error(message);
      failure.status = response.status;
      failure.code = data && data.error ? data.error : "";
      throw failure;
    }
    return data;
  }

  function annotationUrl(id) {
    return config.annotationUrlTemplate.replace("__ID__", encodeURIComponent(id));
  }

  function newPublicId() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // randomUUID needs a secure context; plain http on a school network is not one.
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  // Accept the link either nested ({link: {...}}) or as flat link_* fields.
  function normalise(ann) {
    const copy = Object.assign({}, ann);
    copy.id = String(copy.id);
    if (!copy.link && copy.link_document_id != null) {
      copy.link = {
        document_id: copy.link_document_id,
        start: copy.link_start,
        end: copy.link_end,
        quote: copy.link_quote,
      };
    }
    if (copy.link && copy.link.document_id == null) {
      copy.link = null;
    }
    copy.tags = copy.tags || [];
    copy.note = copy.note || "";
    return copy;
  }

  // -- tags not saved yet -------------------------------------------------------------------

  // A new annotation stays in this browser's storage until the server acknowledges it, and is
  // sent again (with the same public id, so the server stores it once) after a network failure,
  // a server error, a session that ran out, or a reload; meanwhile it is drawn as waiting. Only
  // an answer that the annotation itself is wrong takes it out unsaved. The key names the
  // signed-in user, so on a shared computer nobody sends someone else's tags.
  const OUTBOX_KEY = ["parallax-unsaved", config.userKey || "anyone", config.comparisonId, config.exerciseId || ""].join(":");
  const RETRY_SECONDS = [2, 5, 10, 20, 30];
  const outbox = new Map(); // public id -> {url, body, local}
  const inFlight = new Set(); // ids of the saves sent and not answered yet
  const discarded = new Set(); // ids discarded while their save was on its way
  let outboxKept = true; // false when this browser's storage refused it
  let retryTimer = 0;
  let retryRound = 0;

  function keepOutbox() {
    try {
      if (outbox.size === 0) {
        window.localStorage.removeItem(OUTBOX_KEY);
      } else {
        window.localStorage.setItem(OUTBOX_KEY, JSON.stringify(Array.from(outbox.values())));
      }
      outboxKept = true;
    } catch (error) {
      // Storage turned off or full: the tags wait in this page only, which warns before closing.
      outboxKept = false;
    }
  }

  function readOutbox() {
    let items = [];
    try {
      items = JSON.parse(window.localStorage.getItem(OUTBOX_KEY) || "[]");
    } catch (error) {
      items = [];
    }
    (Array.isArray(items) ? items : []).forEach((item) => {
      if (item && item.url && item.body && item.local && item.body.public_id === item.local.id) {
        item.local.pending = true;
        outbox.set(item.local.id, item);
      }
    });
  }

  // Worth sending again: no answer at all, a server error, a timeout, too many requests, a
  // sign-in that ran out or a page whose CSRF token no longer holds (after signing in again).
  function mayRetry(error) {
    const status = error.status || 0;
    return status === 0 || status >= 500 || [401, 408, 429].includes(status) || error.code === "csrf_failed";
  }

  function waitingMessage(error) {
    const count = outbox.size;
    const tags = count === 1 ? "1 tag waits" : `${count} tags wait`;
    if (error.status === 401) {
      return `Not saved yet: you are signed out. Sign in again and reload this page; ${tags} in this browser.`;
    }
    if (error.code === "csrf_failed") {
      return `Not saved yet: this page has expired. Reload it to send them; ${tags} in this browser.`;
    }
    const reason = error.status ? error.message.replace(/\.?$/, ".") : "the server cannot be reached.";
    return `Not saved yet: ${reason} ${tags} in this browser and will be sent again.`;
  }

  // The server has answered for good: the waiting highlight goes, and so does its copy.
  function settle(item) {
    outbox.delete(item.local.id);
    keepOutbox();
    annotations.delete(item.local.id);
    redrawAnnotation(item.local);
  }

  function sendSave(item) {
    const id = item.local.id;
    if (inFlight.has(id)) {
      return Promise.resolve({ busy: true });
    }
    inFlight.add(id);
    return request("POST", item.url, item.body).then(
      (data) => {
        inFlight.delete(id);
        const saved = normalise(data && data.annotation ? data.annotation : data);
        if (discarded.delete(id)) {
          // Discarded while it was on its way: the server has it now, so delete it there too.
          request("DELETE", annotationUrl(saved.id)).catch(() => {});
          return { saved: null };
        }
        settle(item);
        annotations.set(saved.id, saved);
        redrawAnnotation(saved);
        return { saved };
      },
      (error) => {
        inFlight.delete(id);
        if (discarded.delete(id)) {
          return { saved: null };
        }
        if (mayRetry(error)) {
          return { waiting: error };
        }
        settle(item);
        return { refused: error };
      },
    );
  }

  async function sendOutbox() {
    clearTimeout(retryTimer);
    retryTimer = 0;
    let waiting = null;
    let saved = 0;
    let refused = null;
    for (const item of Array.from(outbox.values())) {
      const result = await sendSave(item);
      if (result.saved) {
        saved += 1;
      } else if (result.refused) {
        refused = result.refused;
      } else if (result.waiting) {
        waiting = result.waiting;
        // The server is not answering: the rest would fare no better now.
        if (!waiting.status) {
          break;
        }
      }
    }
    if (waiting) {
      say(waitingMessage(waiting), "error");
      scheduleRetry(waiting);
    } else {
      retryRound = 0;
      if (refused) {
        say(`Not saved: ${refused.message}`, "error");
      } else if (saved > 0) {
        say(saved === 1 ? "Saved the tag that was waiting." : `Saved the ${saved} tags that were waiting.`);
      }
    }
  }

  function scheduleRetry(error) {
    if (outbox.size === 0 || error.status === 401 || error.code === "csrf_failed") {
      // Sending again cannot help until the page is reloaded with a new session.
      return;
    }
    const seconds = RETRY_SECONDS[Math.min(retryRound, RETRY_SECONDS.length - 1)];
    retryRound += 1;
    retryTimer = setTimeout(sendOutbox, seconds * 1000);
  }

  function saveNew(item) {
    outbox.set(item.local.id, item);
    keepOutbox();
    if (retryTimer) {
      // Others are waiting for the server already: this one goes with them.
      say(waitingMessage({ status: 0 }), "error");
      return;
    }
    say("Saving…");
    sendSave(item).then((result) => {
      if (result.saved) {
        say(`Saved: ${tagNames(result.saved)}.`);
      } else if (result.refused) {
        say(`Not saved: ${result.refused.message}`, "error");
      } else if (result.waiting) {
        say(waitingMessage(result.waiting), "error");
        scheduleRetry(result.waiting);
      }
    });
  }

  window.addEventListener("online", () => {
    if (outbox.size > 0) {
      sendOutbox();
    }
  });

  window.addEventListener("beforeunload", (event) => {
    if (outbox.size > 0 && !outboxKept) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // -- status -------------------------------------------------------------------------------

  const statusText = statusBox.querySelector("[data-ann-status-text]");
  const undoButton = statusBox.querySelector("[data-ann-undo]");

  function say(message, kind) {
    clearTimeout(undoTimer);
    undoButton.hidden = true;
    statusText.textContent = message;
    statusBox.dataset.kind = kind || "info";
    // The live region stays in the page (a hidden one is not announced); CSS shows it when it speaks.
    statusBox.classList.toggle("is-shown", Boolean(message));
  }

  // -- tag lists ----------------------------------------------------------------------------

  function relationName(value) {
    const found = RELATIONS.find((item) => item[0] === value);
    return found ? found[1] : value;
  }

  function fillTagList(list, chosen) {
    list.replaceChildren();
    tagSet.tags.forEach((tag) => {
      const item = document.createElement("li");
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ann-tag";
      button.dataset.tagKey = tag.key;
      button.setAttribute("aria-pressed", chosen.has(tag.key) ? "true" : "false");
      if (tag.description) {
        button.title = tag.description;
      }
      const swatch = document.createElement("span");
      swatch.className = "ann-swatch";
      swatch.setAttribute("aria-hidden", "true");
      swatch.style.setProperty("--hl", tag.colour);
      const name = document.createElement("span");
      name.className = "ann-tag-name";
      name.textContent = tag.name;
      button.append(swatch, name);
      if (tag.shortcut) {
        const key = document.createElement("kbd");
        key.className = "ann-key";
        key.textContent = tag.shortcut;
        button.append(key);
        button.setAttribute("aria-keyshortcuts", tag.shortcut);
      }
      item.append(button);
      list.append(item);
    });
  }

  function chosenIn(list) {
    return Array.from(list.querySelectorAll('.ann-tag[aria-pressed="true"]'), (b) => b.dataset.tagKey);
  }

  function toggleTag(list, key) {
    const button = list.querySelector(`.ann-tag[data-tag-key="${CSS.escape(key)}"]`);
    if (button) {
      button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
    }
  }

  function tagForShortcut(key) {
    const lower = key.toLowerCase();
    return tagSet.tags.find((tag) => tag.shortcut && tag.shortcut.toLowerCase() === lower) || null;
  }

  // Put `dialog` next to `rect` (viewport coordinates) and wholly inside the viewport: below
  // the selection if it fits, else above, else over it; a dialog taller than the viewport
  // scrolls inside (CSS caps its height).
  function place(dialog, rect) {
    dialog.hidden = false;
    const margin = 8;
    const viewWidth = document.documentElement.clientWidth;
    const viewHeight = window.innerHeight;
    const width = dialog.offsetWidth;
    const height = Math.min(dialog.offsetHeight, viewHeight - 2 * margin);
    let top;
    if (rect.bottom + margin + height <= viewHeight - margin) {
      top = rect.bottom + margin;
    } else if (rect.top - margin - height >= margin) {
      top = rect.top - margin - height;
    } else {
      top = viewHeight - margin - height;
    }
    top = Math.min(Math.max(margin, top), Math.max(margin, viewHeight - margin - height));
    const left = Math.min(Math.max(margin, rect.left), Math.max(margin, viewWidth - width - margin));
    dialog.style.setProperty("top", `${Math.round(top)}px`);
    dialog.style.setProperty("left", `${Math.round(left)}px`);
  }

  // Pull an open dialog back inside the viewport when it grows (the link panel opens) or the
  // window shrinks.
  function keepInside(dialog) {
    if (dialog.hidden) {
      return;
    }
    const margin = 8;
    const box = dialog.getBoundingClientRect();
    const top = Math.min(box.top, Math.max(margin, window.innerHeight - margin - box.height));
    const left = Math.min(box.left, Math.max(margin, document.documentElement.clientWidth - margin - box.width));
    dialog.style.setProperty("top", `${Math.round(Math.max(margin, top))}px`);
    dialog.style.setProperty("left", `${Math.round(Math.max(margin, left))}px`);
  }

  const keepDialogsInside = () => [picker, editor].forEach(keepInside);
  new ResizeObserver(keepDialogsInside).observe(picker);
  new ResizeObserver(keepDialogsInside).observe(editor);
  window.addEventListener("resize", keepDialogsInside);

  // -- picker -------------------------------------------------------------------------------

  const pickerParts = {
    quote: picker.querySelector("[data-ann-quote]"),
    tags: picker.querySelector("[data-ann-tags]"),
    note: picker.querySelector("[data-ann-note]"),
    error: picker.querySelector("[data-ann-error]"),
    save: picker.querySelector("[data-ann-save]"),
    cancel: picker.querySelector("[data-ann-cancel]"),
    linkToggle: picker.querySelector("[data-ann-link-toggle]"),
    linkPanel: picker.querySelector("[data-ann-link-panel]"),
    linkQuote: picker.querySelector("[data-ann-link-quote]"),
    relations: picker.querySelector("[data-ann-relations]"),
  };

  function fillRelations() {
    pickerParts.relations.replaceChildren();
    RELATIONS.forEach(([value, label], index) => {
      const wrap = document.createElement("label");
      wrap.className = "ann-relation";
      const input = document.createElement("input");
      input.type = "radio";
      input.name = "ann-relation";
      input.value = value;
      input.checked = index === 0;
      wrap.append(input, ` ${label}`);
      pickerParts.relations.append(wrap);
    });
  }

  function openPicker(span, focusFirst) {
    closeEditor(false);
    if (!picker.hidden && pending) {
      // A new selection while the picker is open replaces the span and keeps the choices.
      pending = Object.assign(pending, { doc: span.doc, start: span.start, end: span.end, quote: span.quote });
    } else {
      returnFocus = document.activeElement && document.activeElement !== document.body ? document.activeElement : null;
      pending = { doc: span.doc, start: span.start, end: span.end, quote: span.quote, link: null };
      fillTagList(pickerParts.tags, new Set());
      pickerParts.note.value = "";
      pickerParts.linkToggle.checked = false;
      pickerParts.linkPanel.hidden = true;
      fillRelations();
    }
    pickerParts.quote.textContent = span.quote;
    pickerParts.error.textContent = "";
    picker.dataset.side = span.doc.side || "";
    place(picker, span.rect);
    if (focusFirst) {
      picker.focus({ preventScroll: true });
    }
  }

  function closePicker(restore) {
    if (picker.hidden) {
      return;
    }
    picker.hidden = true;
    pending = null;
    reader.classList.remove("is-linking");
    // The selection is done with: read again later, it would open the picker a second time.
    clearTimeout(selectionTimer);
    const selection = window.getSelection();
    if (selection) {
      selection.removeAllRanges();
    }
    if (restore && returnFocus && document.contains(returnFocus)) {
      returnFocus.focus({ preventScroll: true });
    }
    returnFocus = null;
  }

  function setLink(span) {
    pending.link = { doc: span.doc, start: span.start, end: span.end, quote: span.quote };
    pickerParts.linkQuote.textContent = `${span.doc.side ? span.doc.side.toUpperCase() : "Other"}: “${span.quote}”`;
    pickerParts.linkQuote.classList.add("has-link");
  }

  function savePending() {
    if (!pending) {
      return;
    }
    const tagKeys = chosenIn(pickerParts.tags);
    if (tagKeys.length === 0) {
      pickerParts.error.textContent = "Choose a tag first (click it or press its key).";
      return;
    }
    const linking = pickerParts.linkToggle.checked;
    if (linking && !pending.link) {
      pickerParts.error.textContent = "Select the counterpart in the other article first.";
      return;
    }
    const span = pending;
    const publicId = newPublicId();
    const body = {
      public_id: publicId,
      comparison_id: Number(config.comparisonId),
      start: span.start,
      end: span.end,
      quote: span.quote,
      tag_set_key: tagSet.key,
      tag_keys: tagKeys,
      note: pickerParts.note.value.trim(),
    };
    if (config.exerciseId) {
      body.exercise_id = Number(config.exerciseId);
    }
    const local = {
      id: publicId,
      document_id: span.doc.id,
      start: span.start,
      end: span.end,
      quote: span.quote,
      tags: tagKeys.map((key) => tagsByKey.get(key) || { key, name: key }),
      note: body.note,
      relation: null,
      link: null,
      pending: true,
    };
    if (linking) {
      const checked = pickerParts.relations.querySelector("input:checked");
      body.relation = checked ? checked.value : null;
      body.link_document_id = Number(span.link.doc.id);
      body.link_start = span.link.start;
      body.link_end = span.link.end;
      body.link_quote = span.link.quote;
      local.relation = body.relation;
      local.link = { document_id: span.link.doc.id, start: span.link.start, end: span.link.end, quote: span.link.quote };
    }
    annotations.set(publicId, local);
    redrawAnnotation(local);
    closePicker(true);
    const url = config.createUrlTemplate.replace("__DOC__", encodeURIComponent(span.doc.id));
    saveNew({ url, body, local });
  }

  pickerParts.tags.addEventListener("click", (event) => {
    const button = event.target.closest(".ann-tag");
    if (button) {
      toggleTag(pickerParts.tags, button.dataset.tagKey);
      pickerParts.error.textContent = "";
    }
  });
  pickerParts.save.addEventListener("click", savePending);
  pickerParts.cancel.addEventListener("click", () => closePicker(true));
  pickerParts.linkToggle.addEventListener("change", () => {
    const on = pickerParts.linkToggle.checked;
    pickerParts.linkPanel.hidden = !on;
    reader.classList.toggle("is-linking", on);
    if (on && pending && !pending.link) {
      pickerParts.linkQuote.textContent = "Now select the matching text in the other article.";
      pickerParts.linkQuote.classList.remove("has-link");
    }
  });

  // -- editor -------------------------------------------------------------------------------

  const editorParts = {
    quote: editor.querySelector("[data-ann-quote]"),
    link: editor.querySelector("[data-ann-link]"),
    tags: editor.querySelector("[data-ann-tags]"),
    note: editor.querySelector("[data-ann-note]"),
    error: editor.querySelector("[data-ann-error]"),
    save: editor.querySelector("[data-ann-save]"),
    remove: editor.querySelector("[data-ann-delete]"),
    close: editor.querySelector("[data-ann-close]"),
  };

  function openEditor(id, anchor) {
    const ann = annotations.get(String(id));
    if (!ann || readOnly) {
      return;
    }
    closePicker(false);
    editing = ann;
    returnFocus = anchor;
    editorParts.quote.textContent = ann.quote;
    if (ann.link) {
      editorParts.link.hidden = false;
      editorParts.link.textContent = `${relationName(ann.relation || "")}: “${ann.link.quote || ""}”`;
    } else {
      editorParts.link.hidden = true;
      editorParts.link.textContent = "";
    }
    const known = tagSet.tags.map((tag) => tag.key);
    fillTagList(editorParts.tags, new Set(ann.tags.map((tag) => tag.key).filter((key) => known.includes(key))));
    editorParts.note.value = ann.note || "";
    editorParts.error.textContent = "";
    editorParts.save.disabled = Boolean(ann.pending);
    // One that waits for the server can still be discarded.
    editorParts.remove.disabled = Boolean(ann.pending) && !outbox.has(ann.id);
    place(editor, anchor.getBoundingClientRect());
    editor.focus({ preventScroll: true });
  }

  function closeEditor(restore) {
    if (editor.hidden) {
      return;
    }
    editor.hidden = true;
    const ann = editing;
    editing = null;
    if (restore && ann) {
      const target = firstMark(ann.id) || returnFocus;
      if (target && document.contains(target)) {
        target.focus({ preventScroll: true });
      }
    }
    returnFocus = null;
  }

  function firstMark(id) {
    const marks = marksOf(id);
    return Array.from(marks).find((mark) => mark.tabIndex === 0) || marks[0] || null;
  }

  function saveEdit() {
    const ann = editing;
    if (!ann) {
      return;
    }
    const tagKeys = chosenIn(editorParts.tags);
    if (tagKeys.length === 0) {
      editorParts.error.textContent = "Keep at least one tag, or delete the annotation.";
      return;
    }
    const before = { tags: ann.tags, note: ann.note };
    ann.tags = tagKeys.map((key) => tagsByKey.get(key) || { key, name: key });
    ann.note = editorParts.note.value.trim();
    redrawAnnotation(ann);
    closeEditor(true);
    request("PATCH", annotationUrl(ann.id), { tag_keys: tagKeys, note: ann.note })
      .then((data) => {
        const saved = normalise(data && data.annotation ? data.annotation : data);
        annotations.set(saved.id, saved);
        redrawAnnotation(saved);
        say(`Updated: ${tagNames(saved)}.`);
      })
      .catch((error) => {
        const tried = ann.note;
        Object.assign(ann, before);
        redrawAnnotation(ann);
        say(`Not updated: ${error.message}`, "error");
        // Open the editor again with the changes in it, so that nothing typed is lost.
        const mark = firstMark(ann.id);
        if (mark && editor.hidden && picker.hidden) {
          openEditor(ann.id, mark);
          fillTagList(editorParts.tags, new Set(tagKeys));
          editorParts.note.value = tried;
          editorParts.error.textContent = `Not updated: ${error.message} Your changes are kept here; save them again.`;
        }
      });
  }

  function deleteEditing() {
    const ann = editing;
    if (!ann) {
      return;
    }
    const mark = firstMark(ann.id);
    const sentence = mark ? mark.closest("[tabindex]:not(mark)") : null;
    closeEditor(false);
    annotations.delete(ann.id);
    redrawAnnotation(ann);
    if (outbox.has(ann.id)) {
      outbox.delete(ann.id);
      keepOutbox();
      if (inFlight.has(ann.id)) {
        discarded.add(ann.id);
      }
      say("Discarded the tag that was not saved yet.");
      if (sentence && document.contains(sentence)) {
        sentence.focus({ preventScroll: true });
      }
      return;
    }
    request("DELETE", annotationUrl(ann.id))
      .then(() => offerUndo(ann, sentence))
      .catch((error) => {
        annotations.set(ann.id, ann);
        redrawAnnotation(ann);
        say(`Not deleted: ${error.message}`, "error");
      });
  }

  function offerUndo(ann, sentence) {
    say("Deleted.");
    undoButton.hidden = false;
    undoButton.dataset.annotationId = ann.id;
    undoButton.focus({ preventScroll: true });
    undoTimer = setTimeout(() => {
      const hadFocus = document.activeElement === undoButton;
      say("");
      if (hadFocus && sentence && document.contains(sentence)) {
        sentence.focus({ preventScroll: true });
      }
    }, UNDO_SECONDS * 1000);
  }

  undoButton.addEventListener("click", () => {
    const id = undoButton.dataset.annotationId;
    if (!id) {
      return;
    }
    delete undoButton.dataset.annotationId;
    say("Restoring…");
    request("POST", `${annotationUrl(id)}/restore`)
      .then((data) => {
        const restored = normalise(data && data.annotation ? data.annotation : data);
        annotations.set(restored.id, restored);
        redrawAnnotation(restored);
        say(`Restored: ${tagNames(restored)}.`);
        const mark = firstMark(restored.id);
        if (mark) {
          mark.focus({ preventScroll: true });
        }
      })
      .catch((error) => say(`Not restored: ${error.message}`, "error"));
  });

  editorParts.tags.addEventListener("click", (event) => {
    const button = event.target.closest(".ann-tag");
    if (button) {
      toggleTag(editorParts.tags, button.dataset.tagKey);
    }
  });
  editorParts.save.addEventListener("click", saveEdit);
  editorParts.remove.addEventListener("click", deleteEditing);
  editorParts.close.addEventListener("click", () => closeEditor(true));

  // -- events -------------------------------------------------------------------------------

  function isTyping(target) {
    return target instanceof Element && Boolean(target.closest("input, textarea, select, [contenteditable]"));
  }

  function selectContents(element) {
    const range = document.createRange();
    range.selectNodeContents(element);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function takeSelection(focusPicker) {
    if (readOnly) {
      return;
    }
    const span = readSelection(window.getSelection());
    if (span === null) {
      return;
    }
    if (span.error) {
      say(span.error, "error");
      return;
    }
    if (pending && pickerParts.linkToggle.checked && span.doc !== pending.doc) {
      setLink(span);
      return;
    }
    openPicker(span, focusPicker);
  }

  reader.addEventListener("mousedown", (event) => {
    if (event.target instanceof Element && event.target.closest(".doc-text")) {
      mouseDown = true;
      // A selection change just before the press (a click elsewhere collapses the selection)
      // must not be read in the middle of this drag: it opened the picker with a fragment.
      clearTimeout(selectionTimer);
    }
  });

  document.addEventListener("mouseup", (event) => {
    if (!mouseDown) {
      return;
    }
    mouseDown = false;
    clearTimeout(selectionTimer);
    // A triple click selects a sentence (the browser would take the whole paragraph).
    const sentence =
      event.detail >= 3 && event.target instanceof Element ? event.target.closest(".doc-text .s") : null;
    // Let the browser settle the selection before reading it.
    setTimeout(() => {
      if (sentence) {
        selectContents(sentence);
      }
      takeSelection(true);
    }, 0);
  });

  document.addEventListener("selectionchange", () => {
    if (mouseDown) {
      return;
    }
    clearTimeout(selectionTimer);
    selectionTimer = setTimeout(() => {
      if (mouseDown) {
        return;
      }
      const selection = window.getSelection();
      if (selection && !selection.isCollapsed && docOfNode(selection.anchorNode)) {
        takeSelection(false);
      }
    }, 250);
  });

  reader.addEventListener("click", (event) => {
    const mark = event.target instanceof Element ? event.target.closest("mark.hl") : null;
    if (!mark) {
      return;
    }
    const selection = window.getSelection();
    // A click that ends a text selection is someone selecting, not asking to edit.
    if (selection && !selection.isCollapsed) {
      return;
    }
    // Captured here so the sentence under the highlight does not also take the click.
    event.stopPropagation();
    openEditor(mark.dataset.annotationId, mark);
  }, true);

  reader.addEventListener("mouseover", (event) => {
    const mark = event.target instanceof Element ? event.target.closest("mark.hl-linked") : null;
    reader.querySelectorAll("mark.is-paired").forEach((el) => el.classList.remove("is-paired"));
    if (mark) {
      marksOf(mark.dataset.annotationId).forEach((el) => el.classList.add("is-paired"));
    }
  });

  reader.addEventListener("focusin", (event) => {
    const mark = event.target instanceof Element ? event.target.closest("mark.hl-linked") : null;
    if (mark) {
      marksOf(mark.dataset.annotationId).forEach((el) => el.classList.add("is-paired"));
    }
  });

  reader.addEventListener("focusout", () => {
    reader.querySelectorAll("mark.is-paired").forEach((el) => el.classList.remove("is-paired"));
  });

  document.addEventListener("mousedown", (event) => {
    const target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    if (!editor.hidden && !editor.contains(target)) {
      closeEditor(false);
    }
    if (!picker.hidden && !picker.contains(target) && !target.closest(".doc-text")) {
      closePicker(false);
    }
  });

  function onPickerKey(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closePicker(true);
      return true;
    }
    if (event.key === "Enter") {
      const target = event.target;
      if (target instanceof Element && target.closest("[data-ann-cancel], input[type=checkbox], input[type=radio]")) {
        return false;
      }
      if (target === pickerParts.note && event.shiftKey) {
        return false;
      }
      if (chosenIn(pickerParts.tags).length || !(target instanceof Element && target.closest(".ann-tag"))) {
        event.preventDefault();
        savePending();
        return true;
      }
      return false;
    }
    if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) {
      return false;
    }
    const tag = tagForShortcut(event.key);
    if (tag) {
      event.preventDefault();
      toggleTag(pickerParts.tags, tag.key);
      pickerParts.error.textContent = "";
      return true;
    }
    return false;
  }

  function onEditorKey(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      closeEditor(true);
      return true;
    }
    if (event.key === "Enter" && event.target === editorParts.note && !event.shiftKey) {
      event.preventDefault();
      saveEdit();
      return true;
    }
    if (isTyping(event.target) || event.ctrlKey || event.metaKey || event.altKey) {
      return false;
    }
    const tag = tagForShortcut(event.key);
    if (tag) {
      event.preventDefault();
      toggleTag(editorParts.tags, tag.key);
      return true;
    }
    return false;
  }

  document.addEventListener("keydown", (event) => {
    if (!picker.hidden && (picker.contains(event.target) || !isTyping(event.target))) {
      if (onPickerKey(event)) {
        return;
      }
    }
    if (!editor.hidden && (editor.contains(event.target) || !isTyping(event.target))) {
      if (onEditorKey(event)) {
        return;
      }
    }
    const target = event.target;
    if (!(target instanceof Element) || !picker.hidden || !editor.hidden) {
      return;
    }
    if (target.matches("mark.hl") && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      event.stopPropagation();
      openEditor(target.dataset.annotationId, target);
      return;
    }
    if (event.key === "a" && !event.ctrlKey && !event.metaKey && !event.altKey && target.closest(".doc-text") && target.matches("[data-start][tabindex]")) {
      event.preventDefault();
      selectContents(target);
      clearTimeout(selectionTimer);
      takeSelection(true);
    }
  }, true);

  document.addEventListener("keyup", (event) => {
    // Shift+arrow selections (caret browsing) open the picker once the keys are let go.
    if (event.key === "Shift" && picker.hidden && event.target instanceof Element && event.target.closest(".doc-text")) {
      clearTimeout(selectionTimer);
      takeSelection(false);
    }
  });

  // -- start --------------------------------------------------------------------------------

  async function start() {
    buildDocs();
    reader.classList.add(readOnly ? "is-read-only" : "is-annotating");
    try {
      const [set, list] = await Promise.all([
        request("GET", config.tagSetUrl),
        request("GET", config.annotationsUrl),
      ]);
      performance.mark("annotate:fetched");
      tagSet = set;
      tagsByKey = new Map(tagSet.tags.map((tag) => [tag.key, tag]));
      const items = Array.isArray(list) ? list : list.annotations || [];
      items.forEach((item) => {
        const ann = normalise(item);
        annotations.set(ann.id, ann);
      });
      if (!readOnly) {
        readOutbox();
        outbox.forEach((item) => {
          if (!annotations.has(item.local.id)) {
            annotations.set(item.local.id, item.local);
          }
        });
      }
      docs.forEach(drawDoc);
      performance.measure("annotate:draw", "annotate:fetched");
      reader.dataset.annotationsReady = "true";
      reader.dispatchEvent(new CustomEvent("annotations:drawn", { bubbles: true, detail: { count: annotations.size } }));
      if (outbox.size > 0) {
        say(`Sending ${outbox.size === 1 ? "1 tag" : `${outbox.size} tags`} not saved before…`);
        sendOutbox();
      }
    } catch (error) {
      say(`Annotations could not be loaded: ${error.message}`, "error");
    }
  }

  start();
})();
