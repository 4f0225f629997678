#!/usr/bin/env bash
# Create (or update) .venv in the repository root with what the golden Triton models,
# flux_pipeline.py and their tests need. Idempotent: a second run only checks.
# Where packages come from is pip's own configuration, as on any machine: its environment
# variables (PIP_INDEX_URL, PIP_EXTRA_INDEX_URL, PIP_FIND_LINKS, ...) and config files
# (`pip config list` shows them). Nothing here names an index; CI sets its own in .ci/run.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="$root/.venv"
python_bin="${PYTHON:-python3}"

packages=(torch numpy transformers tokenizers safetensors sentencepiece pytest)

if [ ! -x "$venv/bin/python" ]; then
  "$python_bin" -m venv "$venv"
fi

# Already complete? Then do nothing (keeps the script fast and offline-safe on reruns).
if ! "$venv/bin/python" - "${packages[@]}" <<'PY' 2>/dev/null
import importlib.util, sys
sys.exit(0 if all(importlib.util.find_spec(p) for p in sys.argv[1:]) else 1)
PY
then
  # --prefer-binary avoids source builds (torch and tokenizers would take very long).
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --prefer-binary \
    "${packages[@]}"
fi

"$venv/bin/python" -c "import torch, transformers; print('torch', torch.__version__, '| transformers', transformers.__version__)" 1>&2
echo "$venv/bin/python"
