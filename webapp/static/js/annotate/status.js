// The status line: one live region that says what just happened.

import { statusBox } from "./state.js";

const statusText = statusBox ? statusBox.querySelector("[data-ann-status-text]") : null;
export const undoButton = statusBox ? statusBox.querySelector("[data-ann-undo]") : null;
export function say(message, kind) {
  undoButton.hidden = true;
  statusText.textContent = message;
  statusBox.dataset.kind = kind || "info";
  // The live region stays in the page (a hidden one is not announced); CSS shows it when it speaks.
  statusBox.classList.toggle("is-shown", Boolean(message));
}
