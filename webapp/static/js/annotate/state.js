// What every part of the annotating page shares: its elements, its settings and the state
// of the annotations on it. Modules read and change `state`; nothing else is global.

export const reader = document.getElementById("reader");
export const picker = document.getElementById("ann-picker");
export const editor = document.getElementById("ann-editor");
export const statusBox = document.getElementById("ann-status");
export const help = document.getElementById("ann-help");

/** True when the page has everything annotating needs. */
export const ready = Boolean(reader && picker && editor && statusBox && help);

export const config = reader ? reader.dataset : {};
// A closed exercise: the highlights show, but nothing can be tagged or changed.
export const readOnly = config.readOnly === "true";

export const RELATIONS = [
  ["b-adds", "B adds"],
  ["b-softens", "B softens"],
  ["b-sharpens", "B sharpens"],
  ["omitted-in-b", "Omitted in B"],
  ["reframed", "Reframed"],
  ["same-fact", "Same fact"],
];

export const state = {
  docs: new Map(), // document id -> {id, side, column, textRoot, segments}
  annotations: new Map(), // annotation id -> annotation
  tagSet: { key: config.tagSetKey || "", name: "", tags: [] },
  tagsByKey: new Map(),
  pending: null, // the span being tagged in the picker
  editing: null, // the annotation open in the editor
  returnFocus: null, // where focus goes back when a dialog closes
  mouseDown: false,
  selectionTimer: 0,
};

export function relationName(value) {
  const found = RELATIONS.find((item) => item[0] === value);
  return found ? found[1] : value;
}

export function setTagSet(tagSet) {
  state.tagSet = tagSet;
  state.tagsByKey = new Map(tagSet.tags.map((tag) => [tag.key, tag]));
}
