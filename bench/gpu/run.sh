#!/usr/bin/env bash
# GPU benchmark of the golden Triton repository (issues 9 and 10), by hand on one NVIDIA GPU:
#   bench/gpu/run.sh base OUT       ceilings, load, latency, BLS vs reference, batch table,
#                                   utilisation; then the golden tests with GPU instances
#   bench/gpu/run.sh speedups OUT   eager vs each opt-in speed-up vs all; restart compile time
#                                   (OPTIONS="eager,all + CUDA graphs" picks the options)
# Needs python3 with torch (CUDA), transformers, safetensors, tokenizers, pytest. Writes
# random full-size weights once under $SCRATCH (default /tmp/flux-gpu; ~34 GB of disk).
set -uo pipefail
part="${1:?usage: bench/gpu/run.sh base|speedups OUT}"
out="${2:?usage: bench/gpu/run.sh base|speedups OUT}"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
python="${PYTHON:-python3}"
scratch="${SCRATCH:-/tmp/flux-gpu}"
ws="$scratch/workspace"
weights="$scratch/weights"
export PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1
mkdir -p "$out"
rm -rf "$ws" && mkdir -p "$ws"
cp -R "$repo/tasks/context/." "$ws/"
cp -R "$repo/tasks/golden/triton_models" "$ws/"

nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv | tee "$out/device.txt"
"$python" -c 'import torch, transformers; print("torch", torch.__version__, "transformers", transformers.__version__)' | tee -a "$out/device.txt"
df -h "$(dirname "$scratch")" | tee -a "$out/device.txt"

if [ ! -f "$weights/complete" ]; then
  start=$(date +%s)
  "$python" "$here/fake_weights.py" "$weights" --context "$ws" || exit 1
  touch "$weights/complete"
  echo "weights written in $(( $(date +%s) - start )) s" | tee -a "$out/device.txt"
fi
du -sh "$weights" | tee -a "$out/device.txt"

status=0
case "$part" in
  base)
    "$python" "$here/bench_flux.py" --workspace "$ws" --weights "$weights" --out "$out" \
      --part base 2>&1 | tee "$out/base.log" || status=1
    # The golden tests and self-tests with every model a KIND_GPU instance on device 0.
    TRITON_STANDIN_KIND=GPU PYTHON="$(command -v "$python")" timeout 300 "$repo/tasks/golden/run-golden-tests.sh" \
      "$scratch/golden" > "$out/golden-gpu.log" 2>&1 || status=1
    echo "== golden tests, KIND_GPU:"; grep -E "passed|failed|error|FAILED" "$out/golden-gpu.log" | tail -20
    cat "$out/base-table.txt"
    ;;
  speedups)
    "$python" "$here/bench_flux.py" --workspace "$ws" --weights "$weights" --out "$out" \
      --part speedups --cache "$scratch/inductor-cache" ${OPTIONS:+--options "$OPTIONS"} \
      2>&1 | tee "$out/speedups.log" || status=1
    [ -n "${OPTIONS:-}" ] && { cat "$out/speedups-table.txt"; exit $status; }  # a chosen subset
    echo "== restart with the compile cache:"
    "$python" "$here/compile_restart.py" --workspace "$ws" --cache "$scratch/inductor-cache" \
      2>&1 | tail -3 | tee "$out/restart.txt" || status=1
    cat "$out/speedups-table.txt"
    ;;
  reference)
    # The golden tests on GPU instances; BLS vs reference at every size; the restart compile
    # time with a cold cache, then a warm one.
    TRITON_STANDIN_KIND=GPU PYTHON="$(command -v "$python")" timeout 300 "$repo/tasks/golden/run-golden-tests.sh" \
      "$scratch/golden" > "$out/golden-gpu.log" 2>&1 || status=1
    echo "== golden tests, KIND_GPU:"; grep -E "passed|failed|error|FAILED" "$out/golden-gpu.log" | tail -20
    "$python" "$here/bench_flux.py" --workspace "$ws" --weights "$weights" --out "$out" \
      --part reference 2>&1 | tee "$out/reference.log" || status=1
    rm -rf "$scratch/restart-cache"
    for run in cold warm; do
      echo "== compile warm-up, $run cache:"
      "$python" "$here/compile_restart.py" --workspace "$ws" --cache "$scratch/restart-cache" \
        2>&1 | tail -2 | tee -a "$out/restart.txt" || status=1
    done
    cat "$out/reference-table.txt"
    ;;
  *) echo "unknown part '$part' (base or speedups)" >&2; exit 2 ;;
esac
exit $status
