#!/usr/bin/env bash
# Trains every worked example in configs/ (not configs/papers/) to the end of
# its plan and prints one markdown table row per example from its
# summary.json: the numbers in README.md's "Worked examples" table.
#   configs/run_examples.sh [name ...]      (run from the project root)
set -u
go build -o /tmp/pinntrain-examples ./cmd/pinntrain || exit 1
mkdir -p results/examples
names=("$@")
[ ${#names[@]} -eq 0 ] && names=($(ls configs/*.yaml | xargs -n1 basename | sed 's/\.yaml$//'))
echo "| example | rel. L2 error | other | steps | wall time | it/s |"
echo "|---|---|---|---|---|---|"
for n in "${names[@]}"; do
  out=results/examples/$n
  if ! /tmp/pinntrain-examples train configs/$n.yaml --out "$out" --quiet >/dev/null 2>"$out.err"; then
    echo "| $n | FAILED: $(tail -1 "$out.err") | | | | |"; continue
  fi
  python3 - "$out/summary.json" "$n" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
rel = ", ".join(f"{k} {v:.2e}" for k, v in sorted(d.get("rel_l2", {}).items()))
other = ", ".join(f"{k} = {v:.4g}" for k, v in sorted(d.get("parameters", {}).items()))
print(f"| {sys.argv[2]} | {rel} | {other} | {d['steps']} | {d['wall_seconds']:.0f} s | {d['steps_per_second']:.0f} |")
PY
done
