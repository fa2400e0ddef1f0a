// The editor: the dialog that changes or deletes an annotation, and undoes a delete.

import { chosenIn, closeOthers, fillTagList, focusBack, onClose, place, toggleTag } from "./dialogs.js";
import { firstMark, redrawAnnotation, tagNames } from "./highlights.js";
import { discardWaiting, outbox } from "./outbox.js";
import { annotationUrl, normalise, request } from "./server.js";
import { editor, picker, readOnly, relationName, state } from "./state.js";
import { say } from "./status.js";
import { remember } from "./deleted.js";

export const editorParts = {
  quote: editor.querySelector("[data-ann-quote]"),
  link: editor.querySelector("[data-ann-link]"),
  tags: editor.querySelector("[data-ann-tags]"),
  note: editor.querySelector("[data-ann-note]"),
  error: editor.querySelector("[data-ann-error]"),
  save: editor.querySelector("[data-ann-save]"),
  remove: editor.querySelector("[data-ann-delete]"),
  close: editor.querySelector("[data-ann-close]"),
};

export function openEditor(id, anchor) {
  const ann = state.annotations.get(String(id));
  if (!ann || readOnly) {
    return;
  }
  closeOthers(editor);
  state.editing = ann;
  state.returnFocus = anchor;
  editorParts.quote.textContent = ann.quote;
  if (ann.link) {
    editorParts.link.hidden = false;
    editorParts.link.textContent = `${relationName(ann.relation || "")}: “${ann.link.quote || ""}”`;
  } else {
    editorParts.link.hidden = true;
    editorParts.link.textContent = "";
  }
  const known = state.tagSet.tags.map((tag) => tag.key);
  fillTagList(editorParts.tags, new Set(ann.tags.map((tag) => tag.key).filter((key) => known.includes(key))));
  editorParts.note.value = ann.note || "";
  editorParts.error.textContent = "";
  editorParts.save.disabled = Boolean(ann.pending);
  // One that waits for the server can still be discarded.
  editorParts.remove.disabled = Boolean(ann.pending) && !outbox.has(ann.id);
  place(editor, anchor.getBoundingClientRect());
  editor.focus({ preventScroll: true });
}

export function closeEditor(restore) {
  if (editor.hidden) {
    return;
  }
  editor.hidden = true;
  const ann = state.editing;
  state.editing = null;
  if (restore && ann) {
    focusBack(firstMark(ann.id) || state.returnFocus);
  }
  state.returnFocus = null;
}

export function saveEdit() {
  const ann = state.editing;
  if (!ann) {
    return;
  }
  const tagKeys = chosenIn(editorParts.tags);
  if (tagKeys.length === 0) {
    editorParts.error.textContent = "Keep at least one tag, or delete the annotation.";
    return;
  }
  const before = { tags: ann.tags, note: ann.note };
  ann.tags = tagKeys.map((key) => state.tagsByKey.get(key) || { key, name: key });
  ann.note = editorParts.note.value.trim();
  redrawAnnotation(ann);
  closeEditor(true);
  const body = { tag_keys: tagKeys, note: ann.note };
  if (Number.isInteger(ann.version)) {
    // The version this edit started from: a change made meanwhile elsewhere answers 409.
    body.version = ann.version;
  }
  request("PATCH", annotationUrl(ann.id), body)
    .then((data) => {
      const saved = normalise(data && data.annotation ? data.annotation : data);
      state.annotations.set(saved.id, saved);
      redrawAnnotation(saved);
      say(`Updated: ${tagNames(saved)}.`);
    })
    .catch((error) => {
      const tried = ann.note;
      if (error.code === "stale_version" && error.data && error.data.annotation) {
        showConflict(ann, normalise(error.data.annotation), tagKeys, tried);
        return;
      }
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

function describe(ann) {
  const note = ann.note ? `note “${ann.note}”` : "no note";
  return `${tagNames(ann)}; ${note}`;
}

// Another tab (or person) changed the annotation after this page read it: show theirs on
// the page and in words, keep what this user chose in the editor, and let them pick.
function showConflict(mine, theirs, tagKeys, note) {
  state.annotations.set(theirs.id, theirs);
  redrawAnnotation(theirs);
  const yours = describe({ tags: tagKeys.map((key) => state.tagsByKey.get(key) || { key, name: key }), note });
  say("Not updated: this annotation was changed elsewhere. Choose which version to keep.", "error");
  const mark = firstMark(theirs.id);
  if (!mark || !editor.hidden || !picker.hidden) {
    return;
  }
  // Opened on theirs, so saving again starts from the newest version.
  openEditor(theirs.id, mark);
  fillTagList(editorParts.tags, new Set(tagKeys));
  editorParts.note.value = note;
  editorParts.error.textContent =
    `Changed elsewhere while you edited. Saved now: ${describe(theirs)}. ` +
    `Yours, kept here: ${yours}. Save changes to keep yours, or Close to keep the saved one.`;
}

export function deleteEditing() {
  const ann = state.editing;
  if (!ann) {
    return;
  }
  const mark = firstMark(ann.id);
  const sentence = mark ? mark.closest(".s") : null;
  closeEditor(false);
  state.annotations.delete(ann.id);
  redrawAnnotation(ann);
  if (discardWaiting(ann.id)) {
    say("Discarded the tag that was not saved yet.");
    focusBack(sentence);
    return;
  }
  const version = Number.isInteger(ann.version) ? `?version=${ann.version}` : "";
  request("DELETE", annotationUrl(ann.id) + version)
    .then(() => remember(ann, sentence))
    .catch((error) => {
      const stale = error.code === "stale_version" && error.data && error.data.annotation;
      const shown = stale ? normalise(error.data.annotation) : ann;
      state.annotations.set(shown.id, shown);
      redrawAnnotation(shown);
      say(
        stale
          ? `Not deleted: it was changed elsewhere meanwhile (now ${describe(shown)}); delete it again if you still want to.`
          : `Not deleted: ${error.message}`,
        "error",
      );
    });
}

/** Wire the editor's own buttons. */
export function watchEditor() {
  onClose(editor, closeEditor);
  editorParts.tags.addEventListener("click", (event) => {
    const button = event.target.closest(".ann-tag");
    if (button) {
      toggleTag(editorParts.tags, button.dataset.tagKey);
    }
  });
  editorParts.save.addEventListener("click", saveEdit);
  editorParts.remove.addEventListener("click", deleteEditing);
  editorParts.close.addEventListener("click", () => closeEditor(true));
}
