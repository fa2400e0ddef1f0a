// Suggestions: "Suggest" asks the server for framing suggestions, which are drawn apart from
// tags (a dashed outline and a "◇" marker, never colour alone) with their reason in their
// name, their title and the review panel. Review them with the mouse (click one, then Accept
// or Reject) or the keyboard: j/k move between them, y accepts (it becomes your tag), x
// rejects (kept for the record, not proposed again). "Accept all" takes every pending
// suggestion of one tag, with an Undo.

import { isTyping } from "./dialogs.js";
import { drawDoc, firstMark, redrawAnnotation, tagNames } from "./highlights.js";
import { normalise, request } from "./server.js";
import { config, editor, help, picker, reader, state } from "./state.js";
import { say } from "./status.js";

const panel = document.querySelector("[data-ann-suggest]");
const runButton = document.querySelector("[data-ann-suggest-run]");

/** True when this user may ask for suggestions on this page. */
export const suggestionsOn = Boolean(panel && runButton && config.suggestionsUrl);

const part = (name) => (panel ? panel.querySelector(`[data-ann-suggest-${name}]`) : null);
const parts = {
  count: part("count"),
  current: part("current"),
  tag: part("tag"),
  quote: part("quote"),
  reason: part("reason"),
  prev: part("prev"),
  next: part("next"),
  accept: part("accept"),
  reject: part("reject"),
  acceptAll: part("accept-all"),
  allName: part("all-name"),
  undo: part("undo"),
  close: part("close"),
};

let currentId = null;
let lastBatch = null; // the ids "accept all" took, for its undo
let busy = false;

function sideOf(ann) {
  const doc = state.docs.get(String(ann.document_id));
  return doc ? doc.side : "";
}

/** The pending suggestions in reading order: article A first, then by position. */
function pending() {
  return Array.from(state.annotations.values())
    .filter((ann) => ann.status === "suggested")
    .sort((x, y) => (sideOf(x) < sideOf(y) ? -1 : sideOf(x) > sideOf(y) ? 1 : x.start - y.start || x.end - y.end));
}

function documentIds() {
  return Array.from(state.docs.values())
    .sort((x, y) => (x.side < y.side ? -1 : 1))
    .map((doc) => Number(doc.id));
}

function scope() {
  const body = { tag_set: config.tagSetKey, documents: documentIds() };
  if (config.exerciseId) {
    body.exercise_id = Number(config.exerciseId);
  }
  return body;
}

function listUrl() {
  const query = new URLSearchParams({ tag_set: config.tagSetKey });
  documentIds().forEach((id) => query.append("document", String(id)));
  if (config.exerciseId) {
    query.set("exercise", config.exerciseId);
  }
  return `${config.suggestionsUrl}?${query}`;
}

function reviewUrl(id) {
  return config.reviewUrlTemplate.replace("__ID__", encodeURIComponent(id));
}

function plural(count, word) {
  return `${count} ${word}${count === 1 ? "" : "s"}`;
}

function markCurrent() {
  reader.querySelectorAll("mark.hl-suggested.is-current").forEach((mark) => mark.classList.remove("is-current"));
  if (currentId) {
    reader
      .querySelectorAll(`mark.hl-suggested[data-annotation-id="${CSS.escape(currentId)}"]`)
      .forEach((mark) => mark.classList.add("is-current"));
  }
}

/** Fill the panel with the suggestion under review and how many are left. */
function render() {
  const list = pending();
  panel.hidden = list.length === 0 && !lastBatch && panel.dataset.asked !== "true";
  const ann = currentId ? state.annotations.get(currentId) : null;
  const index = ann ? list.indexOf(ann) : -1;
  if (index < 0) {
    currentId = null;
  }
  parts.count.textContent = list.length
    ? `${plural(list.length, "suggestion")} to review${index >= 0 ? ` (this is ${index + 1} of ${list.length})` : ""}.`
    : "No suggestions left to review.";
  parts.current.hidden = index < 0;
  if (index >= 0) {
    parts.tag.textContent = tagNames(ann);
    parts.quote.textContent = ann.quote;
    parts.reason.textContent = ann.reason || "";
    parts.allName.textContent = tagNames(ann);
  }
  parts.undo.hidden = !lastBatch;
  markCurrent();
}

/** Make suggestion `id` the one under review; `focus` moves the focus to its highlight. */
export function showSuggestion(id, focus) {
  currentId = String(id);
  render();
  const mark = firstMark(currentId);
  if (mark && focus) {
    mark.focus({ preventScroll: true });
    mark.scrollIntoView({ block: "center", behavior: "instant" });
  }
}

function move(step) {
  const list = pending();
  if (list.length === 0) {
    say("No suggestions to review. Press “Suggest” to ask for some.");
    return;
  }
  const at = currentId ? list.findIndex((ann) => ann.id === currentId) : -1;
  const next = at < 0 ? (step > 0 ? 0 : list.length - 1) : (at + step + list.length) % list.length;
  showSuggestion(list[next].id, true);
}

function put(item) {
  const ann = normalise(item);
  state.annotations.set(ann.id, ann);
  return ann;
}

function redrawAll() {
  state.docs.forEach(drawDoc);
  markCurrent();
}

async function load() {
  try {
    const data = await request("GET", listUrl());
    data.suggestions.forEach(put);
    if (data.suggestions.length) {
      redrawAll();
      render();
    }
  } catch (error) {
    say(`Suggestions could not be loaded: ${error.message}`, "error");
  }
}

async function run() {
  if (busy) {
    return;
  }
  busy = true;
  runButton.disabled = true;
  say("Looking for suggestions…");
  try {
    const data = await request("POST", config.suggestionsUrl, scope());
    data.suggestions.forEach(put);
    redrawAll();
    panel.dataset.asked = "true";
    const count = data.suggestions.length;
    say(count ? `${plural(count, "suggestion")} to review: j and k move, y accepts, x rejects.` : "No suggestions here.");
    if (count) {
      showSuggestion(pending()[0].id, true);
    } else {
      render();
    }
  } catch (error) {
    say(`No suggestions: ${error.message}`, "error");
  } finally {
    busy = false;
    runButton.disabled = false;
  }
}

/** Accept or reject suggestion `id`; the next one becomes the one under review. */
export async function review(id, status) {
  const ann = state.annotations.get(String(id));
  if (!ann || ann.status !== "suggested" || busy) {
    return;
  }
  busy = true;
  const list = pending();
  const after = list[list.indexOf(ann) + 1] || list[list.indexOf(ann) - 1] || null;
  try {
    const data = await request("POST", reviewUrl(ann.id), { status, version: ann.version });
    if (data.status === "rejected") {
      state.annotations.delete(ann.id);
    } else {
      put(data);
    }
    redrawAnnotation(ann);
    lastBatch = null;
    currentId = after && after.status === "suggested" ? after.id : null;
    say(
      data.status === "accepted"
        ? `Accepted: ${tagNames(ann)}, “${ann.quote}”. It is now your tag.`
        : `Rejected: ${tagNames(ann)}, “${ann.quote}”.`,
    );
    render();
    const target = currentId ? firstMark(currentId) : firstMark(ann.id);
    if (target) {
      target.focus({ preventScroll: true });
    }
  } catch (error) {
    say(`Not reviewed: ${error.message}`, "error");
    if (error.data && error.data.annotation) {
      // Reviewed in another tab meanwhile: show it as stored.
      const stored = error.data.annotation;
      if (stored.status === "rejected") {
        state.annotations.delete(ann.id);
      } else {
        put(Object.assign({}, ann, stored));
      }
      redrawAnnotation(ann);
      render();
    }
  } finally {
    busy = false;
  }
}

async function reviewMany(ids, status) {
  const data = await request("POST", config.reviewManyUrl, { public_ids: ids, status });
  data.annotations.forEach(put);
  redrawAll();
  return data.annotations;
}

async function acceptAll() {
  const ann = currentId ? state.annotations.get(currentId) : null;
  if (!ann || busy) {
    return;
  }
  const key = ann.tags.length ? ann.tags[0].key : "";
  const ids = pending()
    .filter((item) => item.tags.length && item.tags[0].key === key)
    .map((item) => item.id);
  busy = true;
  try {
    await reviewMany(ids, "accepted");
    lastBatch = ids;
    currentId = pending().length ? pending()[0].id : null;
    say(`Accepted all ${plural(ids.length, "suggestion")} of ${tagNames(ann)}.`);
    render();
    parts.undo.focus();
  } catch (error) {
    say(`Not accepted: ${error.message}`, "error");
  } finally {
    busy = false;
  }
}

async function undoAll() {
  if (!lastBatch || busy) {
    return;
  }
  busy = true;
  const ids = lastBatch;
  try {
    await reviewMany(ids, "suggested");
    lastBatch = null;
    say(`Undone: ${plural(ids.length, "suggestion")} to review again.`);
    showSuggestion(ids[0], true);
  } catch (error) {
    say(`Not undone: ${error.message}`, "error");
  } finally {
    busy = false;
  }
}

function dialogOpen() {
  return !picker.hidden || !editor.hidden || !help.hidden;
}

function onKey(event) {
  const target = event.target;
  if (dialogOpen() || isTyping(target) || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  const onMark = target instanceof Element && target.matches("mark.hl-suggested");
  if (event.key === "j" || event.key === "k") {
    event.preventDefault();
    move(event.key === "j" ? 1 : -1);
  } else if ((event.key === "y" || event.key === "x") && (currentId || onMark)) {
    event.preventDefault();
    const id = onMark ? target.dataset.annotationId : currentId;
    review(id, event.key === "y" ? "accepted" : "rejected");
  } else if (onMark && (event.key === "Enter" || event.key === " ")) {
    event.preventDefault();
    showSuggestion(target.dataset.annotationId, false);
    parts.accept.focus();
  }
}

/** Wire the Suggest button, the panel and the keys; load the pending suggestions. */
export function watchSuggestions() {
  if (!suggestionsOn) {
    return;
  }
  runButton.hidden = false;
  runButton.addEventListener("click", run);
  parts.prev.addEventListener("click", () => move(-1));
  parts.next.addEventListener("click", () => move(1));
  parts.accept.addEventListener("click", () => currentId && review(currentId, "accepted"));
  parts.reject.addEventListener("click", () => currentId && review(currentId, "rejected"));
  parts.acceptAll.addEventListener("click", acceptAll);
  parts.undo.addEventListener("click", undoAll);
  parts.close.addEventListener("click", () => {
    panel.hidden = true;
    panel.dataset.asked = "false";
    runButton.focus();
  });
  document.addEventListener("keydown", onKey);
  reader.addEventListener("focusin", (event) => {
    const mark = event.target instanceof Element ? event.target.closest("mark.hl-suggested") : null;
    if (mark) {
      showSuggestion(mark.dataset.annotationId, false);
    }
  });
  reader.addEventListener("annotations:drawn", load, { once: true });
}
