#!/usr/bin/env bash
# GPU benchmark of the golden Triton repository (issues 9 and 10), by hand on one NVIDIA GPU:
#   bench/gpu/run.sh base OUT       ceilings, load, latency, BLS vs reference, batch table,
#                                   utilisation; then the golden tests with GPU instances
#   bench/gpu/run.sh speedups OUT   eager vs each opt-in speed-up vs combinations, with a
#                                   one-step quality figure (OPTIONS="eager,all" picks them)
#   bench/gpu/run.sh deploy OUT     the models loaded as deployed with PARAMS (e.g.
#                                   PARAMS="compile=default;fp8=e4m3"): batch 1/2/4 table,
#                                   utilisation
#   bench/gpu/run.sh restart OUT    two fresh processes loading the models with PARAMS and a
#                                   1024² warm-up: a cold, then a warm compile cache
#   bench/gpu/run.sh fp8-layers OUT one-step quality of FP8 in subsets of the blocks
# Needs python3 with torch (CUDA), transformers, safetensors, tokenizers, pytest. Writes
# random full-size weights once under $SCRATCH (default /tmp/flux-gpu; ~34 GB of disk).
set -uo pipefail
usage="usage: bench/gpu/run.sh base|speedups|deploy|restart|fp8-layers|reference OUT"
part="${1:?$usage}"
out="${2:?$usage}"
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
      ${SIDES:+--sides "$SIDES"} \
      2>&1 | tee "$out/speedups.log" || status=1
    cat "$out/speedups-table.txt"
    ;;
  deploy)
    params="${PARAMS:-compile=default}"
    "$python" "$here/bench_flux.py" --workspace "$ws" --weights "$weights" --out "$out" \
      --part deploy --parameters "$params;compile_cache_dir=$scratch/deploy-cache" \
      --label "${LABEL:-deployed}" 2>&1 | tee "$out/deploy.log" || status=1
    cat "$out/deploy-table.txt"
    ;;
  restart)
    params="${PARAMS:-compile=default}"
    rm -rf "$scratch/restart-cache"
    for run in cold warm; do  # a fresh process each, as a server restart
      echo "== restart, $run compile cache:" | tee -a "$out/restart.txt"
      "$python" "$here/compile_restart.py" --workspace "$ws" --weights "$weights" \
        --parameters "$params;warmup=1024x1024x1;compile_cache_dir=$scratch/restart-cache" \
        2>&1 | tail -1 | tee -a "$out/restart.txt" || status=1
    done
    ;;
  fp8-layers)
    "$python" "$here/bench_flux.py" --workspace "$ws" --weights "$weights" --out "$out" \
      --part fp8-layers 2>&1 | tee "$out/fp8-layers.log" || status=1
    cat "$out/fp8-layers-table.txt"
    ;;
  reference)
    # The golden tests on GPU instances; BLS vs reference at every size.
    TRITON_STANDIN_KIND=GPU PYTHON="$(command -v "$python")" timeout 300 "$repo/tasks/golden/run-golden-tests.sh" \
      "$scratch/golden" > "$out/golden-gpu.log" 2>&1 || status=1
    echo "== golden tests, KIND_GPU:"; grep -E "passed|failed|error|FAILED" "$out/golden-gpu.log" | tail -20
    "$python" "$here/bench_flux.py" --workspace "$ws" --weights "$weights" --out "$out" \
      --part reference 2>&1 | tee "$out/reference.log" || status=1
    cat "$out/reference-table.txt"
    ;;
  *) echo "unknown part '$part'; $usage" >&2; exit 2 ;;
esac
exit $status
