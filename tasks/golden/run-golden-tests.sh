#!/usr/bin/env bash
# Assemble a workspace the way the runner leaves it (context files at the root,
# triton_models/, tests/) in a temp directory, run every model's self-test, then the
# three golden test files with JUnit output, then the oracle tests (tasks/golden/oracle/:
# the workspace's flux_pipeline.py against Black Forest Labs' reference outputs).
# This is the one command that runs every Python test. Usage: tasks/golden/run-golden-tests.sh [KEEP_DIR]
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-$repo/.venv/bin/python}"
[ -x "$python" ] || { echo "no python at $python: run scripts/setup-python.sh or set PYTHON" >&2; exit 2; }

ws="${1:-$(mktemp -d -t flux-golden-XXXXXX)}"
mkdir -p "$ws"
cp -R "$repo/tasks/context/." "$ws/"
cp -R "$here/triton_models" "$here/tests" "$ws/"
find "$ws" -name __pycache__ -prune -exec rm -rf {} +
echo "workspace: $ws"

cd "$ws"
for model in clip_encoder t5_encoder dit_transformer vae_decoder bls; do
  "$python" "triton_models/$model/1/model.py"
done
mkdir -p test-results
status=0
for pair in T003:test_models T004:test_single_prompt T005:test_batch; do
  id="${pair%%:*}"; file="${pair##*:}"
  "$python" -m pytest "tests/$file.py" -q -p no:cacheprovider --junitxml="test-results/$id.xml" || status=1
done
FLUX_PIPELINE_DIR="$PWD" "$python" -m pytest "$here/oracle" -q -p no:cacheprovider \
  --junitxml="test-results/oracle.xml" || status=1
"$python" -m pytest tests/test_standin_*.py -q -p no:cacheprovider || status=1  # stand-in, deployment
exit $status
