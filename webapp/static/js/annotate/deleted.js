// Undo that does not expire: every annotation deleted while the page is open stays in a
// "Recently deleted" list and can be restored from it (the server keeps deleted annotations
// and restores them from their history).

import { focusBack } from "./dialogs.js";
import { firstMark, redrawAnnotation, tagNames } from "./highlights.js";
import { annotationUrl, normalise, request } from "./server.js";
import { state } from "./state.js";
import { say, undoButton } from "./status.js";

const panel = document.querySelector("[data-ann-deleted]");
const list = panel ? panel.querySelector("[data-ann-deleted-list]") : null;
const count = panel ? panel.querySelector("[data-ann-deleted-count]") : null;
const deleted = new Map(); // annotation id -> {ann, sentence}

function show() {
  list.replaceChildren();
  Array.from(deleted.values())
    .reverse()
    .forEach(({ ann }) => {
      const item = document.createElement("li");
      const text = document.createElement("span");
      text.className = "ann-deleted-text";
      text.textContent = `${tagNames(ann) || "Untagged"}: “${ann.quote}”`;
      const button = document.createElement("button");
      button.type = "button";
      button.className = "ann-button ann-secondary";
      button.dataset.annotationId = ann.id;
      button.textContent = "Restore";
      button.setAttribute("aria-label", `Restore ${tagNames(ann) || "untagged"}: ${ann.quote}`);
      item.append(text, button);
      list.append(item);
    });
  count.textContent = String(deleted.size);
  panel.hidden = deleted.size === 0;
  if (deleted.size === 0) {
    panel.open = false;
  }
}

/** Keep a deleted annotation restorable, offer Undo and put the focus on it. */
export function remember(ann, sentence) {
  deleted.set(ann.id, { ann, sentence });
  show();
  say("Deleted. Undo, or restore it later from “Recently deleted”.");
  undoButton.hidden = false;
  undoButton.dataset.annotationId = ann.id;
  undoButton.focus({ preventScroll: true });
}

export function restore(id) {
  if (!deleted.has(id)) {
    return Promise.resolve(null);
  }
  say("Restoring…");
  return request("POST", `${annotationUrl(id)}/restore`)
    .then((data) => {
      const restored = normalise(data && data.annotation ? data.annotation : data);
      deleted.delete(id);
      show();
      state.annotations.set(restored.id, restored);
      redrawAnnotation(restored);
      say(`Restored: ${tagNames(restored)}.`);
      focusBack(firstMark(restored.id));
      return restored;
    })
    .catch((error) => {
      say(`Not restored: ${error.message}`, "error");
      return null;
    });
}

export function watchDeleted() {
  undoButton.addEventListener("click", () => {
    const id = undoButton.dataset.annotationId;
    if (id) {
      delete undoButton.dataset.annotationId;
      restore(id);
    }
  });
  list.addEventListener("click", (event) => {
    const button = event.target instanceof Element ? event.target.closest("button[data-annotation-id]") : null;
    if (button) {
      restore(button.dataset.annotationId);
    }
  });
}
