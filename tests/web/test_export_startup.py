"""`parallax export` starts without the web app: only configuration and database are loaded."""

from __future__ import annotations

import json
import os
import subprocess
import sys

# The pages, the aligner and the migrations; an annotation export needs none of them.
NOT_LOADED = (
    "webapp.api",
    "webapp.articles",
    "webapp.exercises",
    "webapp.reports",
    "webapp.transfer",
    "alembic",
    "numpy",
    "zxcvbn",
    "trafilatura",
    "wordfreq",
    "weasyprint",
)
PROBE = """
import json, sys
from webapp.console import main
try:
    main(sys.argv[1:], prog_name="parallax")
except SystemExit as stop:
    print("exit", stop.code)
print(json.dumps(sorted(sys.modules)))
"""


def test_export_imports_no_web_app(app, seeded, tmp_path):
    comparison_id, _ = seeded
    output = tmp_path / "out.csv"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PARALLAX_")}
    env["PARALLAX_INSTANCE"] = app.instance_path
    env["PARALLAX_DATABASE_URL"] = app.config["DATABASE_URL"]
    args = ["export", "--comparison", str(comparison_id), "--format", "csv", "-o", str(output)]
    completed = subprocess.run(
        [sys.executable, "-c", PROBE, *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=True,
    )
    *_, status, modules = completed.stdout.rstrip("\n").split("\n")
    assert status == "exit 0", completed.stderr
    assert output.read_text(encoding="utf-8-sig").startswith("annotation_id,comparison_id,")
    loaded = set(json.loads(modules))
    assert not {name for name in loaded if name.split(".")[0] in NOT_LOADED or name in NOT_LOADED}
    assert "webapp.manage" in loaded and "sqlalchemy" in loaded
