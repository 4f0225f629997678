"""A restarted server: how long until it serves at full speed (issue 10).

    python bench/gpu/compile_restart.py --workspace WS --weights DIR \
        --parameters "compile=default;fp8=e4m3;warmup=1024x1024x1;compile_cache_dir=CACHE"

A fresh process, as after a server restart, loads the five golden models through the Triton
stand-in exactly as deployed (KIND_GPU, the given config parameters, the warm-up at load),
times each load, then times the first BLS request and a steady one at the warm-up's size.
Run it twice with the same compile_cache_dir: the first run measures a cold compile, the
second a restart that finds the persistent cache. Prints one JSON line.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np
import torch


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--weights", type=Path, required=True)
    parser.add_argument("--parameters", required=True, help="KEY=VALUE;... model parameters")
    parser.add_argument("--side", type=int, default=1024)
    args = parser.parse_args(argv)
    ws = args.workspace.resolve()
    sys.path.insert(0, str(ws / "testing"))
    sys.path.insert(0, str(ws))
    import flux_pipeline as fp
    from triton_harness import Repository
    fp.load_tokenizers = lambda _weights_dir: fp.build_tiny_tokenizers()  # none offline
    parameters = {"weights_dir": str(args.weights), "dtype": "bfloat16", "variant": "schnell"}
    for item in filter(None, (x.strip() for x in args.parameters.split(";"))):  # ";" since warmup has ","
        key, _, value = item.partition("=")
        parameters[key.strip()] = value.strip()
    start, loads = time.perf_counter(), {}
    repo = None
    for name in ("clip_encoder", "t5_encoder", "dit_transformer", "vae_decoder", "bls"):
        begin = time.perf_counter()
        if repo is None:
            repo = Repository(ws / "triton_models", parameters, models=[name], kind="GPU", device_id=0)
        else:
            repo.load(name)
        torch.cuda.synchronize()
        loads[name] = round(time.perf_counter() - begin, 1)
    ready = time.perf_counter() - start

    def request():
        response = repo.execute("bls", [repo.request("bls", {
            "prompt": np.array([[b"a photo of a cat"]], dtype=object),
            "height": np.full((1, 1), args.side, np.int32),
            "width": np.full((1, 1), args.side, np.int32),
            "seed": np.zeros((1, 1), np.int64)})])[0]
        torch.cuda.synchronize()
        if response.has_error():
            raise RuntimeError(response.error().message())

    times = []
    for _ in range(3):
        begin = time.perf_counter()
        request()
        times.append(time.perf_counter() - begin)
    from torch._dynamo.utils import counters
    import os
    print(json.dumps({"cache_dir": os.environ.get("TORCHINDUCTOR_CACHE_DIR"), "ready_s": round(ready, 1), "load_s": loads, "side": args.side,
                      "first_request_ms": round(times[0] * 1e3), "steady_ms": round(min(times[1:]) * 1e3),
                      "inductor": {k: v for k, v in counters["inductor"].items() if "cache" in k},
                      "aot_autograd": {k: v for k, v in counters["aot_autograd"].items() if "cache" in k}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
