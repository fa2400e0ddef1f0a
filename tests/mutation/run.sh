#!/usr/bin/env bash
# Mutation testing of one core module with mutmut (see tests/README.md). Not part of CI.
#
#   bash tests/mutation/run.sh grading          # every mutant; prints the counts and survivors
#   bash tests/mutation/run.sh grading again    # the last run's survivors, against today's tests
#   bash tests/mutation/run.sh grading show     # the counts and survivors of the last run
#   PARALLAX_MUTATION_REF=main bash tests/mutation/run.sh grading   # the tests of a commit
#
# A run works on a copy of the checkout (tracked and new, not ignored, files) in
# $PARALLAX_MUTATION_DIR/<module> (default /tmp/parallax-mutation), so the working tree is
# never mutated and may be edited meanwhile. The module's settings are the [tool.mutmut]
# table in tests/mutation/<module>.toml, appended to the copy's pyproject.toml. One worker at
# the lowest CPU priority, one run at a time (a lock); mutmut times a mutant out at 15 times
# its tests' clean run plus 1 s. "again" copies the current tests in, collects which tests
# reach which function anew, and re-runs only the mutants that survived: a test
# added cannot bring a killed mutant back, so the counts stay whole.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

usage="usage: bash tests/mutation/run.sh MODULE [all|again|show] [MUTANT-GLOB...]  (MODULE: a tests/mutation/*.toml name)"
module="${1:?$usage}"
mode="${2:-all}"
shift $(($# < 2 ? $# : 2))
only=("$@")
config="tests/mutation/$module.toml"
[ -f "$config" ] || { echo "no $config" >&2; exit 2; }
case "$mode" in all | again | show) ;; *) echo "$usage" >&2; exit 2 ;; esac
mutmut="$PWD/.venv/bin/mutmut"
python="$PWD/.venv/bin/python"
[ -x "$mutmut" ] || { echo "install it first: .venv/bin/pip install mutmut==3.8.1" >&2; exit 2; }
root="${PARALLAX_MUTATION_DIR:-/tmp/parallax-mutation}"
work="$root/$module"
mkdir -p "$root"
if [ "$mode" != show ]; then
  exec 9>"$root/.lock"
  flock 9
fi

copy_tree() { git ls-files -z --cached --others --exclude-standard -- "$@" | xargs -0 cp --parents -t "$work"; }
# The module's settings, less the test files the copy lacks (a run of an older commit).
add_config() {
  echo >>"$work/pyproject.toml"
  while IFS= read -r line; do
    if [[ "$line" =~ ^\ *\"(tests/[^\"]*)\", ]] && [ ! -e "$work/${BASH_REMATCH[1]}" ]; then
      continue
    fi
    printf '%s\n' "$line"
  done <"$config" >>"$work/pyproject.toml"
}

if [ "$mode" = all ]; then
  rm -rf "$work"
  mkdir -p "$work"
  if [ -n "${PARALLAX_MUTATION_REF:-}" ]; then
    git archive "$PARALLAX_MUTATION_REF" | tar -x -C "$work"
  else
    copy_tree .
  fi
  add_config
  (cd "$work" && nice -n 19 "$mutmut" run --max-children 1 "${only[@]}" >run.log 2>&1) || {
    tail -n 30 "$work/run.log" >&2
    exit 1
  }
elif [ "$mode" = again ]; then
  [ -d "$work/mutants" ] || { echo "no earlier run in $work" >&2; exit 2; }
  copy_tree tests pyproject.toml
  add_config
  rm -rf "$work/mutants/tests"
  cp -r "$work/tests" "$work/pyproject.toml" "$work/mutants/"
  rm -f "$work/mutants/mutmut-stats.json"
  mapfile -t names < <(cd "$work" && "$mutmut" results | awk -F': ' '$2 == "survived" || $2 == "no tests" {gsub(/ /, "", $1); print $1}')
  if [ "${#names[@]}" -gt 0 ]; then
    (cd "$work" && nice -n 19 "$mutmut" run --max-children 1 "${names[@]}" >run-again.log 2>&1) || {
      tail -n 30 "$work/run-again.log" >&2
      exit 1
    }
  fi
fi

cd "$work"
"$mutmut" results --all true | "$python" "$OLDPWD/tests/mutation/score.py"
"$mutmut" results | grep -v ": not checked$" || true
