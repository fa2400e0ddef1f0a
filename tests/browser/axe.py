"""axe-core (WCAG 2.1 A and AA rules) over the page a browser test has open.

The page's context must be made with ``bypass_csp=True``: the app's Content-Security-Policy
refuses the injected script otherwise. ``bash .ci/setup --browser`` installs axe-core from npm.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / ".ci" / "axe" / "node_modules" / "axe-core" / "axe.min.js"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map((violation) => ({
    id: violation.id,
    impact: violation.impact,
    help: violation.help,
    nodes: violation.nodes.map((node) => ({
      target: node.target.join(" "),
      summary: node.failureSummary,
    })),
  }));
}"""


def axe_path() -> Path:
    """Return axe.min.js, skipping locally and failing on CI when it is not installed."""
    if not AXE.is_file():
        message = f"axe-core is not installed at {AXE} (run: bash .ci/setup --browser)"
        if os.environ.get("CI"):
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    return AXE


def axe_violations(page) -> list[dict]:
    """Return axe-core's WCAG 2.1 A/AA violations on the page as it is now."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(axe_path()))
    return page.evaluate(RUN_AXE, WCAG_TAGS)


def describe(violations: list[dict]) -> str:
    """Return the violations as readable lines: rule, impact, help, then each element."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}: {summary}")
    return "\n".join(lines)


def axe_check(page, state: str = "") -> None:
    """Fail the test on any WCAG 2.1 A/AA violation axe-core finds, listing them."""
    violations = axe_violations(page)
    where = f" on {state or page.url}"
    assert not violations, f"axe-core found {len(violations)} violation(s){where}:\n" + describe(
        violations
    )
