// The keyboard: dialogs keep the focus inside while open (Tab cycles, Esc closes), a tag's key
// chooses it only while its dialog has the focus, `a` tags the focused sentence, Enter opens
// a highlight, and `?` shows the list of shortcuts.

import { chosenIn, isTyping, tagForShortcut, toggleTag, trapFocus, focusBack } from "./dialogs.js";
import { closeEditor, editorParts, openEditor, saveEdit } from "./editor.js";
import { closePicker, pickerParts, savePending } from "./picker.js";
import { selectContents } from "./selection.js";
import { editor, help, picker, state } from "./state.js";

let helpReturn = null;

export function openHelp() {
  helpReturn = document.activeElement;
  help.hidden = false;
  help.focus();
}

function closeHelp() {
  help.hidden = true;
  focusBack(helpReturn);
  helpReturn = null;
}

function onPickerKey(event) {
  if (event.key === "Escape") {
    event.preventDefault();
    closePicker(true);
    return true;
  }
  if (event.key === "Enter") {
    const target = event.target;
    if (target instanceof Element && target.closest("[data-ann-cancel], input[type=checkbox], input[type=radio], select")) {
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


/** Listen to the keyboard for the dialogs and the articles; `takeSelection` opens the picker. */
export function watchKeys(takeSelection) {
  help.querySelector("[data-ann-help-close]").addEventListener("click", closeHelp);
  document.querySelectorAll("[data-ann-help-open]").forEach((button) => button.addEventListener("click", openHelp));

  document.addEventListener(
    "keydown",
    (event) => {
      const target = event.target;
      if (!help.hidden) {
        if (event.key === "Escape") {
          event.preventDefault();
          closeHelp();
        } else {
          trapFocus(help, event);
        }
        return;
      }
      if (!picker.hidden) {
        if (trapFocus(picker, event)) {
          return;
        }
        // Esc cancels wherever the focus is (after a drag it is in the article text).
        if (event.key === "Escape" || picker.contains(target)) {
          onPickerKey(event);
        }
        return;
      }
      if (!editor.hidden) {
        if (trapFocus(editor, event)) {
          return;
        }
        if (event.key === "Escape" || editor.contains(target)) {
          onEditorKey(event);
        }
        return;
      }
      if (!(target instanceof Element) || isTyping(target) || event.ctrlKey || event.metaKey || event.altKey) {
        return;
      }
      if (event.key === "?") {
        event.preventDefault();
        openHelp();
        return;
      }
      // Enter on a suggestion reviews it (suggestions.js), it does not open the editor.
      if (target.matches("mark.hl:not(.hl-suggested)") && (event.key === "Enter" || event.key === " ")) {
        event.preventDefault();
        event.stopPropagation();
        openEditor(target.dataset.annotationId, target);
        return;
      }
      if (event.key === "a" && target.closest(".doc-text") && target.matches(".s[data-start]")) {
        event.preventDefault();
        selectContents(target);
        clearTimeout(state.selectionTimer);
        takeSelection(true);
      }
    },
    true,
  );
}
