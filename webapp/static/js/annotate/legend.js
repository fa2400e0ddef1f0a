// The legend of the tag set: each tag's colour, its marker and its name, drawn the way a
// highlight draws them.

import { markerOf } from "./highlights.js";
import { state } from "./state.js";

export function drawLegend() {
  const list = document.querySelector("[data-ann-legend-list]");
  if (!list) {
    return;
  }
  list.replaceChildren();
  state.tagSet.tags.forEach((tag) => {
    const item = document.createElement("li");
    const sample = document.createElement("mark");
    sample.className = "hl";
    sample.dataset.marker = markerOf(tag);
    sample.style.setProperty("--hl", tag.colour);
    sample.textContent = tag.name;
    item.append(sample);
    list.append(item);
  });
}
