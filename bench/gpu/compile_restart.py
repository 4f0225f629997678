"""A restarted server's compile warm-up, against a persistent Inductor cache (issue 10).

    python bench/gpu/compile_restart.py --workspace WS --cache DIR [--side 1024]

A fresh process, as after a server restart: builds the full-size transformer (random bf16
weights straight on the GPU; the values do not enter the cache key, the shapes do), applies
the `compile` parameter exactly as dit_transformer does (triton_model_utils.apply_speedups,
the cache in DIR) and times its warm-up at one size, batch 1. Run it after
bench_flux.py --part speedups has filled DIR; with an empty DIR it measures a cold compile.
"""

import argparse
import json
import sys
import time
from pathlib import Path

import torch


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--cache", required=True)
    parser.add_argument("--side", type=int, default=1024)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.workspace.resolve()))
    import flux_pipeline as fp
    import triton_model_utils as utils

    config = fp.full_config("schnell")
    with torch.device("cuda"):
        network = fp.FluxTransformer(config.transformer).to(torch.bfloat16).eval()
    start = time.perf_counter()
    model = utils.apply_speedups(network, utils.Speedups("default", args.cache))
    h, w = fp.latent_size(args.side, args.side, config.vae)
    tokens, text = (h // 2) * (w // 2), config.max_sequence_length
    c, d = config.transformer, dict(device="cuda", dtype=torch.bfloat16)
    with torch.no_grad():
        model(img=torch.randn(1, tokens, c.in_channels, **d), img_ids=torch.zeros(1, tokens, 3, device="cuda"),
              txt=torch.randn(1, text, c.context_in_dim, **d), txt_ids=torch.zeros(1, text, 3, device="cuda"),
              timesteps=torch.full((1,), 0.5, **d), y=torch.randn(1, c.vec_in_dim, **d), guidance=None)
    torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    from torch._dynamo.utils import counters
    print(json.dumps({"compile_warmup_s": seconds, "side": args.side,
                      "inductor": {k: v for k, v in counters["inductor"].items() if "cache" in k},
                      "aot_autograd": {k: v for k, v in counters["aot_autograd"].items()
                                       if "cache" in k}}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
