"use strict";

// Side-by-side comparison: pointing at or focusing a sentence lights up the sentences it is
// paired with and shows why they are linked (the evidence card); clicking it (or
// Enter/Space on it) scrolls the other column to them. In the overview graphic, pointing at
// a band or a bar lights up its passages, and clicking it scrolls both columns to them.
(function () {
  const root = document.querySelector("[data-compare]");
  if (!root) {
    return;
  }
  const overview = root.querySelector("[data-overview]");
  const card = document.querySelector("[data-evidence-card]");
  let shown = null;
  const reducedMotion = window.matchMedia("(prefers-reduced-motion: reduce)");
  let lit = [];
  let litShapes = [];

  function sentenceOf(node) {
    return node instanceof Element ? node.closest(".s[data-side]") : null;
  }

  function shapeOf(node) {
    return node instanceof Element ? node.closest(".ov-link, .ov-bar") : null;
  }

  function sentenceAt(side, index) {
    return document.getElementById(`${side}-s${index}`);
  }

  function pairIds(sentence) {
    return (sentence.dataset.pairs || "").split(/\s+/).filter(Boolean);
  }

  // Every sentence that shares a pair with `sentence`, in both columns.
  function linkedTo(sentence) {
    const ids = pairIds(sentence);
    if (ids.length === 0) {
      return [];
    }
    const selector = ids.map((id) => `.s[data-pairs~="${CSS.escape(id)}"]`).join(",");
    return Array.from(root.querySelectorAll(selector)).filter((el) => el !== sentence);
  }

  function counterparts(sentence) {
    return linkedTo(sentence).filter((el) => el.dataset.side !== sentence.dataset.side);
  }

  // The evidence of the pairs `ids`, shown next to `anchor` (a sentence or a band). The card
  // is only a visual aid: screen readers hear the same through aria-describedby.
  function showEvidence(ids, anchor) {
    if (!card) {
      return;
    }
    const sources = ids
      .map((id) => document.getElementById(`evidence-${id}`))
      .filter(Boolean);
    if (sources.length === 0) {
      hideEvidence();
      return;
    }
    card.replaceChildren(
      ...sources.map((source) => {
        const item = document.createElement("div");
        item.className = "evidence-item";
        item.append(...Array.from(source.childNodes, (node) => node.cloneNode(true)));
        return item;
      })
    );
    card.hidden = false;
    const rects = anchor.getClientRects();
    const box = rects.length ? rects[rects.length - 1] : anchor.getBoundingClientRect();
    const width = card.offsetWidth;
    const left = Math.max(8, Math.min(box.left, document.documentElement.clientWidth - width - 8));
    let top = box.bottom + 6;
    if (top + card.offsetHeight > window.innerHeight - 8) {
      top = Math.max(8, (rects.length ? rects[0] : box).top - card.offsetHeight - 6);
    }
    card.style.left = `${left}px`;
    card.style.top = `${top}px`;
    shown = { ids, anchor };
  }

  function hideEvidence() {
    if (card) {
      card.hidden = true;
    }
    shown = null;
  }

  function clear() {
    hideEvidence();
    lit.forEach((el) => el.classList.remove("is-active", "is-linked"));
    lit = [];
    litShapes.forEach((el) => el.classList.remove("is-lit"));
    litShapes = [];
    if (overview) {
      overview.classList.remove("is-lit");
    }
  }

  // Light the overview's bars for `sentences` and the bands of the pairs `ids`.
  function lightShapes(sentences, ids) {
    if (!overview) {
      return;
    }
    const selectors = ids.map((id) => `.ov-link[data-pairs~="${CSS.escape(id)}"]`);
    sentences.forEach((el) => {
      selectors.push(
        `.ov-bar[data-side="${el.dataset.side}"][data-sentence="${el.dataset.sentence}"]`
      );
    });
    if (selectors.length === 0) {
      return;
    }
    litShapes = Array.from(overview.querySelectorAll(selectors.join(",")));
    litShapes.forEach((el) => el.classList.add("is-lit"));
    overview.classList.add("is-lit");
  }

  function light(sentence) {
    clear();
    sentence.classList.add("is-active");
    lit.push(sentence);
    linkedTo(sentence).forEach((el) => {
      el.classList.add("is-linked");
      lit.push(el);
    });
    lightShapes(lit, pairIds(sentence));
    showEvidence(pairIds(sentence), sentence);
  }

  // The sentences a band (a pair) or a bar (one sentence) of the overview stands for.
  function sentencesOfShape(shape) {
    if (shape.classList.contains("ov-bar")) {
      const sentence = sentenceAt(shape.dataset.side, shape.dataset.sentence);
      return sentence ? [sentence] : [];
    }
    const ids = pairIds(shape);
    const selector = ids.map((id) => `.s[data-pairs~="${CSS.escape(id)}"]`).join(",");
    return selector ? Array.from(root.querySelectorAll(selector)) : [];
  }

  function lightShape(shape) {
    const sentences = sentencesOfShape(shape);
    if (shape.classList.contains("ov-bar") && sentences.length === 1) {
      light(sentences[0]);
      return;
    }
    clear();
    sentences.forEach((el) => {
      el.classList.add("is-linked");
      lit.push(el);
    });
    lightShapes(sentences, pairIds(shape));
    showEvidence(pairIds(shape), shape);
  }

  // Scroll only the column that holds `target`, so the sentence just clicked stays put;
  // when the columns are stacked (narrow screens) the page itself scrolls.
  function reveal(target) {
    const behavior = reducedMotion.matches ? "auto" : "smooth";
    const column = target.closest(".column");
    const scrollable =
      column &&
      column.scrollHeight > column.clientHeight &&
      getComputedStyle(column).overflowY !== "visible";
    if (!scrollable) {
      target.scrollIntoView({ block: "center", behavior });
      return;
    }
    const head = column.querySelector(".column-head");
    const headHeight = head ? head.offsetHeight : 0;
    const offset = target.getBoundingClientRect().top - column.getBoundingClientRect().top;
    const room = column.clientHeight - headHeight;
    const top = column.scrollTop + offset - headHeight - Math.max(0, (room - target.offsetHeight) / 3);
    column.scrollTo({ top: Math.max(0, top), behavior });
  }

  function jump(sentence) {
    const targets = counterparts(sentence);
    if (targets.length === 0) {
      return;
    }
    const target = targets[0];
    reveal(target);
    target.focus({ preventScroll: true });
    target.classList.remove("is-target");
    // Reading offsetWidth restarts the arrival animation when the same target is reached twice.
    void target.offsetWidth;
    target.classList.add("is-target");
  }

  // Scroll each column to the first of `sentences` it holds.
  function revealAll(sentences) {
    ["a", "b"].forEach((side) => {
      const first = sentences.find((el) => el.dataset.side === side);
      if (first) {
        reveal(first);
      }
    });
  }

  root.addEventListener("mouseover", (event) => {
    const sentence = sentenceOf(event.target);
    const shape = sentence ? null : shapeOf(event.target);
    if (sentence) {
      light(sentence);
    } else if (shape) {
      lightShape(shape);
    }
  });

  root.addEventListener("mouseout", (event) => {
    const from = sentenceOf(event.target) || shapeOf(event.target);
    if (!from || from.contains(event.relatedTarget)) {
      return;
    }
    const focused = sentenceOf(document.activeElement);
    if (focused) {
      light(focused);
    } else {
      clear();
    }
  });

  root.addEventListener("focusin", (event) => {
    const sentence = sentenceOf(event.target);
    if (sentence) {
      light(sentence);
    }
  });

  root.addEventListener("focusout", (event) => {
    if (!sentenceOf(event.relatedTarget)) {
      clear();
    }
  });

  root.addEventListener("click", (event) => {
    const shape = shapeOf(event.target);
    if (shape) {
      const sentences = sentencesOfShape(shape);
      if (shape.classList.contains("ov-bar")) {
        sentences.push(...sentences.flatMap(counterparts));
      }
      revealAll(sentences);
      return;
    }
    const sentence = sentenceOf(event.target);
    // A click that ends a text selection is someone selecting, not asking to jump.
    if (sentence && String(window.getSelection() || "") === "") {
      jump(sentence);
    }
  });

  root.addEventListener("keydown", (event) => {
    const sentence = sentenceOf(event.target);
    if (sentence && event.target === sentence && (event.key === "Enter" || event.key === " ")) {
      event.preventDefault();
      jump(sentence);
    }
  });

  // A press on a focusable sentence (or highlight) focuses it, but Chromium resolves the caret
  // to the end of the space before it, outside the focused element, and then never extends
  // that selection: a drag from a sentence's first letter selected nothing. While the button
  // is down the pressed element lends out its tabindex, so the press focuses the article
  // text around it (tabindex -1) and the drag selects; the tabindex comes back on release.
  let lent = [];

  function giveBack() {
    lent.forEach((el) => {
      if (el.dataset.lentTabindex !== undefined) {
        el.setAttribute("tabindex", el.dataset.lentTabindex);
        delete el.dataset.lentTabindex;
      }
    });
    lent = [];
  }

  document.addEventListener(
    "mousedown",
    (event) => {
      giveBack();
      const text = event.target instanceof Element ? event.target.closest(".doc-text") : null;
      if (!text || event.button !== 0) {
        return;
      }
      for (let el = event.target; el && el !== text; el = el.parentElement) {
        if (el.hasAttribute("tabindex")) {
          el.dataset.lentTabindex = el.getAttribute("tabindex");
          el.removeAttribute("tabindex");
          lent.push(el);
        }
      }
    },
    true,
  );
  document.addEventListener("mouseup", giveBack, true);
  window.addEventListener("blur", giveBack);

  // One Tab stop per article, where the reader left off (tabindex 0); the other sentences
  // and the highlights in it are reached with the arrow keys (a roving tabindex).
  const ITEMS = ".s[data-start], mark.hl";

  function makeStop(item) {
    const text = item.closest(".doc-text");
    const sentence = item.closest(".s") || item;
    if (!text) {
      return;
    }
    text.querySelectorAll('.s[tabindex="0"]').forEach((el) => {
      if (el !== sentence) {
        el.setAttribute("tabindex", "-1");
      }
    });
    sentence.setAttribute("tabindex", "0");
  }

  function stopOf(text) {
    return text.querySelector('.s[tabindex="0"]') || text.querySelector(".s[data-start]");
  }

  root.querySelectorAll(".doc-text").forEach((text) => {
    text.querySelectorAll(".s[tabindex]").forEach((el, index) => {
      el.setAttribute("tabindex", index === 0 ? "0" : "-1");
    });
  });

  root.addEventListener("focusin", (event) => {
    const item = event.target instanceof Element ? event.target.closest(ITEMS) : null;
    if (item && item === event.target && item.closest(".doc-text")) {
      makeStop(item);
    }
  });

  const MOVES = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, Home: "first", End: "last" };

  root.addEventListener("keydown", (event) => {
    const move = MOVES[event.key];
    const target = event.target;
    if (move === undefined || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) {
      return;
    }
    if (!(target instanceof Element) || !target.matches(ITEMS) || !target.closest(".doc-text")) {
      return;
    }
    const items = Array.from(target.closest(".doc-text").querySelectorAll(ITEMS));
    const at = items.indexOf(target);
    const next =
      move === "first" ? items[0] : move === "last" ? items[items.length - 1] : items[at + move];
    event.preventDefault();
    if (next) {
      next.focus({ preventScroll: true });
      next.scrollIntoView({ block: "nearest" });
    }
  });

  // The skip links land on the article's Tab stop, not just on its heading.
  document.querySelectorAll("a[data-skip]").forEach((link) => {
    link.addEventListener("click", (event) => {
      const text = document.querySelector(`.doc-text[data-side="${link.dataset.skip}"]`);
      const stop = text ? stopOf(text) : null;
      if (stop) {
        event.preventDefault();
        stop.focus({ preventScroll: true });
        stop.scrollIntoView({ block: "nearest" });
      }
    });
  });

  // The card sits in the viewport (position: fixed): keep it next to its sentence when the
  // page or a column scrolls.
  document.addEventListener(
    "scroll",
    () => {
      if (shown) {
        showEvidence(shown.ids, shown.anchor);
      }
    },
    { capture: true, passive: true }
  );

  root.addEventListener("animationend", (event) => {
    if (event.target instanceof Element) {
      event.target.classList.remove("is-target");
    }
  });
})();
