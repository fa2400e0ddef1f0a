"""Select text in a reading column as a person does: a real mouse drag over it."""

from __future__ import annotations

from pathlib import Path

FIND_TEXT_BOXES = (Path(__file__).parent / "text_boxes.js").read_text(encoding="utf-8")


def drag_over(page, side: str, text: str) -> None:
    """Press on the first character of ``text`` in column ``side``, drag to its last, release."""
    boxes = page.evaluate(FIND_TEXT_BOXES, [side, text])
    first, last = boxes["first"], boxes["last"]
    page.mouse.move(first["left"] + 1, (first["top"] + first["bottom"]) / 2)
    page.mouse.down()
    page.mouse.move(last["right"] - 1, (last["top"] + last["bottom"]) / 2, steps=6)
    page.mouse.up()
