"""``python -m webapp``: the ``parallax`` command, for when its script is not on PATH."""

from __future__ import annotations

from webapp.console import main

if __name__ == "__main__":
    main(prog_name="parallax")
