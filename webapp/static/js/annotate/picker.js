// The tag picker: the dialog that tags a new selection, optionally linked to the other article.

import { chosenIn, closeOthers, fillTagList, focusBack, onClose, place, toggleTag } from "./dialogs.js";
import { spanOfElement } from "./selection.js";
import { docOfNode, sentenceAt } from "./text.js";
import { firstMark, redrawAnnotation } from "./highlights.js";
import { saveNew } from "./outbox.js";
import { newPublicId } from "./server.js";
import { config, picker, reader, RELATIONS, state } from "./state.js";

export const pickerParts = {
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
  linkSentence: picker.querySelector("[data-ann-link-sentence]"),
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

// The other article's sentences, so that the counterpart can be chosen without a mouse.
function fillLinkSentences(doc) {
  const list = pickerParts.linkSentence;
  const other = Array.from(state.docs.values()).find((item) => item !== doc);
  list.replaceChildren(new Option("Choose a sentence, or select text with the mouse", ""));
  if (!other) {
    return;
  }
  other.textRoot.querySelectorAll(".s[data-start]").forEach((el, index) => {
    const text = el.textContent.trim();
    const option = new Option(`${index + 1}. ${text}`, el.id);
    option.dataset.start = String(spanOfElement(other, el).start);
    option.dataset.end = String(spanOfElement(other, el).end);
    list.append(option);
  });
}

export function openPicker(span, focusFirst) {
  closeOthers(picker);
  if (!picker.hidden && state.pending) {
    // A new selection while the picker is open replaces the span and keeps the choices.
    state.pending = Object.assign(state.pending, { doc: span.doc, start: span.start, end: span.end, quote: span.quote });
  } else {
    state.returnFocus = sentenceAt(span.doc, span.start);
    state.pending = { doc: span.doc, start: span.start, end: span.end, quote: span.quote, link: null };
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

export function closePicker(restore) {
  if (picker.hidden) {
    return;
  }
  picker.hidden = true;
  state.pending = null;
  reader.classList.remove("is-linking");
  // The selection is done with: read again later, it would open the picker a second time.
  clearTimeout(state.selectionTimer);
  const selection = window.getSelection();
  if (selection) {
    selection.removeAllRanges();
  }
  const back = state.returnFocus;
  state.returnFocus = null;
  if (restore) {
    focusBack(restore === true ? back : restore);
  }
}

export function setLink(span) {
  state.pending.link = { doc: span.doc, start: span.start, end: span.end, quote: span.quote };
  const choice = pickerParts.linkSentence.querySelector(`option[data-start="${span.start}"][data-end="${span.end}"]`);
  pickerParts.linkSentence.value = choice ? choice.value : "";
  if (!picker.contains(document.activeElement)) {
    picker.focus({ preventScroll: true });
  }
  pickerParts.linkQuote.textContent = `${span.doc.side ? span.doc.side.toUpperCase() : "Other"}: “${span.quote}”`;
  pickerParts.linkQuote.classList.add("has-link");
}

export function savePending() {
  if (!state.pending) {
    return;
  }
  const tagKeys = chosenIn(pickerParts.tags);
  if (tagKeys.length === 0) {
    pickerParts.error.textContent = "Choose a tag first (click it or press its key).";
    return;
  }
  const linking = pickerParts.linkToggle.checked;
  if (linking && !state.pending.link) {
    pickerParts.error.textContent = "Select the counterpart in the other article first.";
    return;
  }
  const span = state.pending;
  const publicId = newPublicId();
  const body = {
    public_id: publicId,
    comparison_id: Number(config.comparisonId),
    start: span.start,
    end: span.end,
    quote: span.quote,
    tag_set_key: state.tagSet.key,
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
    tags: tagKeys.map((key) => state.tagsByKey.get(key) || { key, name: key }),
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
  state.annotations.set(publicId, local);
  redrawAnnotation(local);
  closePicker(firstMark(publicId) || true);
  const url = config.createUrlTemplate.replace("__DOC__", encodeURIComponent(span.doc.id));
  saveNew({ url, body, local });
}

/** Wire the picker's own buttons. */
export function watchPicker() {
  pickerParts.linkSentence.addEventListener("change", () => {
    const el = document.getElementById(pickerParts.linkSentence.value);
    const doc = el ? docOfNode(el) : null;
    if (doc && state.pending) {
      setLink(Object.assign(spanOfElement(doc, el), { doc }));
    }
  });
  onClose(picker, closePicker);
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
    if (on && state.pending) {
      fillLinkSentences(state.pending.doc);
    }
    if (on && state.pending && !state.pending.link) {
      pickerParts.linkQuote.textContent = "Now select the matching text in the other article.";
      pickerParts.linkQuote.classList.remove("has-link");
    }
  });
}
