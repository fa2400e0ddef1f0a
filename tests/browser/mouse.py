"""Select text as a person does: a real mouse drag from one character to another.

A script's ``Range`` skips mousedown/mouseup handlers, focus changes and the browser's own
hit-testing, so it cannot stand in for a hand; these helpers only measure where the
characters are (a ``Range`` over one character, ``getClientRects()``) and then drive
``page.mouse``.
"""

from __future__ import annotations

from dataclasses import dataclass

# Returns the boxes of the first and last characters of the `occurrence`-th match of `text`
# in a column (or in the element `selector`), after scrolling the first one into view.
CHARACTER_BOXES = """
([root, text, from]) => {
  const scope = typeof root === "string" && root.length === 1
    ? document.querySelector(`.doc-column[data-side="${root}"] .doc-text`)
    : document.querySelector(root);
  if (!scope) {
    throw new Error(`no such element: ${root}`);
  }
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  const nodes = [];
  let full = "";
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    nodes.push([node, full.length]);
    full += node.data;
  }
  const at = full.indexOf(text, from || 0);
  if (at < 0) {
    throw new Error(`not found in ${root}: ${text}`);
  }
  const locate = (position) => {
    for (const [node, start] of nodes) {
      if (position < start + node.data.length) {
        return [node, position - start];
      }
    }
    throw new Error(`position ${position} is past the text`);
  };
  const box = (position, last) => {
    const [node, offset] = locate(position);
    const range = document.createRange();
    // A character outside the Basic Multilingual Plane takes two UTF-16 units.
    const width = node.data.codePointAt(offset) > 0xffff ? 2 : 1;
    range.setStart(node, offset);
    range.setEnd(node, offset + width);
    const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
    const rect = last ? rects[rects.length - 1] : rects[0];
    if (!rect) {
      throw new Error(`character ${position} has no box`);
    }
    return { left: rect.left, right: rect.right, top: rect.top, bottom: rect.bottom };
  };
  const [firstNode] = locate(at);
  firstNode.parentElement.scrollIntoView({ block: "center" });
  let end = at + text.length - 1;
  // The last character of a match that ends in a surrogate pair starts one unit earlier.
  if (end > at && /[\\uDC00-\\uDFFF]/.test(full[end])) {
    end -= 1;
  }
  return { first: box(at, false), last: box(end, true) };
}
"""


@dataclass(frozen=True)
class Boxes:
    """The viewport boxes of the first and last characters of a text."""

    first: dict[str, float]
    last: dict[str, float]


def character_boxes(page, root: str, text: str, start_at: int = 0) -> Boxes:
    """Scroll ``text`` into view inside ``root`` (a column side or a selector); return its boxes."""
    found = page.evaluate(CHARACTER_BOXES, [root, text, start_at])
    return Boxes(found["first"], found["last"])


def drag(page, start: tuple[float, float], end: tuple[float, float], *, steps: int = 4) -> None:
    """Press at ``start``, move to ``end`` in ``steps`` moves and let go, as a hand does."""
    page.mouse.move(*start)
    page.mouse.down()
    page.mouse.move(*end, steps=steps)
    page.mouse.up()


def drag_over(
    page, root: str, text: str, *, start_at: int = 0, backwards: bool = False, steps: int = 4
) -> None:
    """Drag the mouse from the first to the last character of ``text`` (or the other way).

    The press lands just inside the first character's left edge, where the browser puts the
    caret before it; the release just inside the last character's right edge.
    """
    boxes = character_boxes(page, root, text, start_at)
    first = boxes.first
    last = boxes.last
    before_first = (first["left"] + 1, (first["top"] + first["bottom"]) / 2)
    after_last = (last["right"] - 1, (last["top"] + last["bottom"]) / 2)
    if backwards:
        drag(page, after_last, before_first, steps=steps)
    else:
        drag(page, before_first, after_last, steps=steps)


def sign_in(page, base: str, username: str = "ms.tanaka", password: str = "") -> None:
    """Sign in through the login form with the mouse and keyboard, as a teacher does.

    Clicks each field, types into it key by key and clicks "Sign in"; returns once the
    signed-in page has loaded (``password`` defaults to the tests' teacher password).
    """
    from tests.web.helpers import PASSWORD

    page.goto(f"{base}/login")
    page.get_by_label("Username").click()
    page.keyboard.type(username)
    page.get_by_label("Password").click()
    page.keyboard.type(password or PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
