// What the picker and the editor share: their lists of tags and where they open.

import { editor, picker, state } from "./state.js";

export function fillTagList(list, chosen) {
  list.replaceChildren();
  state.tagSet.tags.forEach((tag) => {
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

export function chosenIn(list) {
  return Array.from(list.querySelectorAll('.ann-tag[aria-pressed="true"]'), (b) => b.dataset.tagKey);
}

export function toggleTag(list, key) {
  const button = list.querySelector(`.ann-tag[data-tag-key="${CSS.escape(key)}"]`);
  if (button) {
    button.setAttribute("aria-pressed", button.getAttribute("aria-pressed") === "true" ? "false" : "true");
  }
}

export function tagForShortcut(key) {
  const lower = key.toLowerCase();
  return state.tagSet.tags.find((tag) => tag.shortcut && tag.shortcut.toLowerCase() === lower) || null;
}

// Put `dialog` next to `rect` (viewport coordinates) and wholly inside the viewport: below
// the selection if it fits, else above, else over it; a dialog taller than the viewport
// scrolls inside (CSS caps its height).
export function place(dialog, rect) {
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


/** Keep the open dialogs inside the viewport while they grow and the window changes. */
export function watchDialogs() {
  const keepDialogsInside = () => [picker, editor].forEach(keepInside);
  new ResizeObserver(keepDialogsInside).observe(picker);
  new ResizeObserver(keepDialogsInside).observe(editor);
  window.addEventListener("resize", keepDialogsInside);
}

export function isTyping(target) {
  return target instanceof Element && Boolean(target.closest("input, textarea, select, [contenteditable]"));
}

// Each dialog registers how it closes, so that opening one closes the other.
const closers = new Map();

export function onClose(dialog, close) {
  closers.set(dialog, close);
}

export function closeOthers(dialog) {
  closers.forEach((close, other) => {
    if (other !== dialog) {
      close(false);
    }
  });
}

const FOCUSABLE =
  'button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), a[href], [tabindex="0"]';

/** Keep Tab and Shift+Tab inside an open modal `dialog`; true when the key was handled. */
export function trapFocus(dialog, event) {
  if (event.key !== "Tab" || dialog.hidden) {
    return false;
  }
  const items = Array.from(dialog.querySelectorAll(FOCUSABLE)).filter(
    (el) => el.getClientRects().length > 0 && !(el.type === "radio" && !el.checked),
  );
  if (items.length === 0) {
    return false;
  }
  const first = items[0];
  const last = items[items.length - 1];
  const active = document.activeElement;
  const inside = dialog.contains(active);
  if (event.shiftKey && (!inside || active === first || active === dialog)) {
    event.preventDefault();
    last.focus();
    return true;
  }
  if (!event.shiftKey && (!inside || active === last)) {
    event.preventDefault();
    first.focus();
    return true;
  }
  return false;
}

/** Give the focus back to `target` (a highlight or a sentence) and bring it into view. */
export function focusBack(target) {
  if (!target || !document.contains(target)) {
    return false;
  }
  target.focus({ preventScroll: true });
  target.scrollIntoView({ block: "nearest" });
  return true;
}
