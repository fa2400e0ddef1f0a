// Annotating a comparison: select text in a column, pick a tag (click or shortcut key), add a
// note, save; highlights show every annotation in its tag's colour. This module wires the
// page's events to the picker, the editor and the highlights, and loads the annotations.

import { watchDeleted } from "./deleted.js";
import { watchDialogs } from "./dialogs.js";
import { drawLegend } from "./legend.js";
import { closeEditor, openEditor, watchEditor } from "./editor.js";
import { watchKeys } from "./keys.js";
import { drawDoc, marksOf } from "./highlights.js";
import { outbox, readOutbox, sendOutbox, watchOutbox } from "./outbox.js";
import { closePicker, openPicker, pickerParts, setLink, watchPicker } from "./picker.js";
import { readSelection, selectContents } from "./selection.js";
import { readList, request } from "./server.js";
import { config, editor, picker, reader, readOnly, ready, setTagSet, state } from "./state.js";
import { say } from "./status.js";
import { showSuggestion, watchSuggestions } from "./suggestions.js";
import { buildDocs, docOfNode } from "./text.js";

export function takeSelection(focusPicker) {
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
  if (state.pending && pickerParts.linkToggle.checked && span.doc !== state.pending.doc) {
    setLink(span);
    return;
  }
  openPicker(span, focusPicker);
}

function watchPage() {
  reader.addEventListener("mousedown", (event) => {
    if (event.target instanceof Element && event.target.closest(".doc-text")) {
      state.mouseDown = true;
      // A selection change just before the press (a click elsewhere collapses the selection)
      // must not be read in the middle of this drag: it opened the picker with a fragment.
      clearTimeout(state.selectionTimer);
    }
  });

  document.addEventListener("mouseup", (event) => {
    if (!state.mouseDown) {
      return;
    }
    state.mouseDown = false;
    clearTimeout(state.selectionTimer);
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
    if (state.mouseDown) {
      return;
    }
    clearTimeout(state.selectionTimer);
    state.selectionTimer = setTimeout(() => {
      if (state.mouseDown) {
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
    if (mark.classList.contains("hl-suggested")) {
      // A suggestion is reviewed in the suggestions panel, not edited.
      showSuggestion(mark.dataset.annotationId, true);
      return;
    }
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

  document.addEventListener("keyup", (event) => {
    // Shift+arrow selections (caret browsing) open the picker once the keys are let go.
    if (event.key === "Shift" && picker.hidden && event.target instanceof Element && event.target.closest(".doc-text")) {
      clearTimeout(state.selectionTimer);
      takeSelection(false);
    }
  });
}

async function start() {
  buildDocs();
  reader.classList.add(readOnly ? "is-read-only" : "is-annotating");
  try {
    const [set, list] = await Promise.all([
      request("GET", config.tagSetUrl),
      request("GET", config.annotationsUrl),
    ]);
    performance.mark("annotate:fetched");
    setTagSet(set);
    drawLegend();
    readList(list).forEach((ann) => {
      state.annotations.set(ann.id, ann);
    });
    if (!readOnly) {
      readOutbox();
      outbox.forEach((item) => {
        if (!state.annotations.has(item.local.id)) {
          state.annotations.set(item.local.id, item.local);
        }
      });
    }
    state.docs.forEach(drawDoc);
    performance.measure("annotate:draw", "annotate:fetched");
    reader.dataset.annotationsReady = "true";
    reader.dispatchEvent(new CustomEvent("annotations:drawn", { bubbles: true, detail: { count: state.annotations.size } }));
    if (outbox.size > 0) {
      say(`Sending ${outbox.size === 1 ? "1 tag" : `${outbox.size} tags`} not saved before…`);
      sendOutbox();
    }
  } catch (error) {
    say(`Annotations could not be loaded: ${error.message}`, "error");
  }
}


if (ready) {
  watchOutbox();
  watchDialogs();
  watchPicker();
  watchEditor();
  watchDeleted();
  watchPage();
  watchKeys(takeSelection);
  watchSuggestions();
  start();
}
