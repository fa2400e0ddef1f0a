"""Print the counts and the score of ``mutmut results --all true`` read from standard input.

A timeout counts as caught, as in mutmut's own score; mutants not run are left out.
"""

from __future__ import annotations

import sys
from collections import Counter


def main() -> None:
    """Count the mutants by status and print one line."""
    status = Counter(
        line.rsplit(": ", 1)[1].strip() for line in sys.stdin if line.strip() and ": " in line
    )
    ran = sum(n for name, n in status.items() if name != "not checked")
    caught = status["killed"] + status["timeout"] + status["segfault"]
    score = 100 * caught / ran if ran else 0.0
    print(
        f"mutants {ran}  killed {status['killed']}  survived {status['survived']}  "
        f"timeouts {status['timeout']}  no tests {status['no tests']}  "
        f"not run {status['not checked']}  score {score:.1f} %"
    )


if __name__ == "__main__":
    main()
