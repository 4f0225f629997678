"""Serve FLUX.1 through the golden Triton models on one GPU and measure it (issues 9, 10).

    python bench/gpu/bench_flux.py --workspace WS --weights DIR --out OUT [--part base|speedups]
    python bench/gpu/bench_flux.py --workspace WS --tiny --out OUT      # CPU smoke test

WS is a workspace as tasks/golden/run-golden-tests.sh assembles it (the context files at
the root, triton_models/, testing/). The five models load through the in-process Triton
stand-in as KIND_GPU instances on device 0, bf16, from DIR (bench/gpu/fake_weights.py);
the tokenizers are the tiny in-process ones. Part "base": ceilings, load time and memory per
model, per-model latency, BLS against the reference FluxPipeline built from the same loaded
networks, batch 1/2/4 throughput, batch-vs-single levels, transformer utilisation. Part
"speedups": eager vs each opt-in parameter vs all. Part "reference": BLS against the reference
at every size. Results go to OUT/<part>.json and a table
printed last.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from flops import transformer_flops  # noqa: E402

PROMPT = "a photo of a cat"


class Bench:
    def __init__(self, args):
        self.args, self.results, self.lines = args, {}, []
        self.cuda = torch.cuda.is_available() and not args.tiny
        self.device = "cuda:0" if self.cuda else "cpu"
        ws = args.workspace.resolve()
        sys.path.insert(0, str(ws / "testing"))
        sys.path.insert(0, str(ws))
        import flux_pipeline as fp
        import triton_python_backend_utils as pb_utils
        from triton_harness import Repository, outputs_of, tiny_parameters
        self.fp, self.pb, self.Repository, self.outputs_of = fp, pb_utils, Repository, outputs_of
        self.ws = ws
        if args.tiny:
            self.parameters = tiny_parameters("schnell")
            self.sizes = (2 * fp.tiny_config("schnell").size_multiple,) * 2
        else:
            # No tokenizer files offline: the BLS and the reference use the tiny ones.
            fp.load_tokenizers = lambda _weights_dir: fp.build_tiny_tokenizers()
            self.parameters = {"weights_dir": str(args.weights), "dtype": "bfloat16",
                               "variant": "schnell"}
            self.sizes = (512, 1024)

    # --- helpers ---------------------------------------------------------------------

    def sync(self):
        if self.cuda:
            torch.cuda.synchronize()

    def timed(self, fn, repeat: int, warmup: int = 1) -> float:
        """Median seconds of `repeat` calls after `warmup` calls."""
        for _ in range(warmup):
            fn()
        times = []
        for _ in range(repeat):
            self.sync()
            start = time.perf_counter()
            fn()
            self.sync()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    def row(self, *cells):
        self.lines.append(" | ".join(str(c) for c in cells))

    def bls_request(self, batch: int, side: int, seed0: int = 0):
        return self.repo.request("bls", {
            "prompt": np.array([[PROMPT.encode()]] * batch, dtype=object),
            "height": np.full((batch, 1), side, np.int32),
            "width": np.full((batch, 1), side, np.int32),
            "seed": np.arange(seed0, seed0 + batch, dtype=np.int64)[:, None]})

    def bls(self, batch: int, side: int, seed0: int = 0) -> np.ndarray:
        response = self.repo.execute("bls", [self.bls_request(batch, side, seed0)])[0]
        if response.has_error():
            raise RuntimeError(response.error().message())
        return self.outputs_of(response)["images"]

    # --- parts -------------------------------------------------------------------------

    def ceilings(self):
        if not self.cuda:
            return
        n = 8192
        a, b = (torch.randn(n, n, device=self.device, dtype=torch.bfloat16) for _ in range(2))
        seconds = self.timed(lambda: a @ b, repeat=20, warmup=3)
        self.results["matmul_bf16_tflops"] = 2 * n ** 3 / seconds / 1e12
        x = torch.empty(2 * 1024 ** 3, dtype=torch.uint8, device=self.device)
        y = torch.empty_like(x)
        seconds = self.timed(lambda: y.copy_(x), repeat=20, warmup=3)
        self.results["copy_tb_per_s"] = 2 * x.numel() / seconds / 1e12
        del a, b, x, y
        torch.cuda.empty_cache()
        self.row("bf16 matmul 8192³ (TFLOP/s)", f"{self.results['matmul_bf16_tflops']:.0f}")
        self.row("device copy (TB/s, read+write)", f"{self.results['copy_tb_per_s']:.2f}")

    def load(self):
        order = ("clip_encoder", "t5_encoder", "dit_transformer", "vae_decoder", "bls")
        loads = {}
        for index, name in enumerate(order):
            before = torch.cuda.memory_allocated() if self.cuda else 0
            start = time.perf_counter()
            if index == 0:
                self.repo = self.Repository(self.ws / "triton_models", self.parameters,
                                            models=[name], kind="GPU", device_id=0)
            else:
                self.repo.load(name)
            self.sync()
            seconds = time.perf_counter() - start
            gib = ((torch.cuda.memory_allocated() if self.cuda else 0) - before) / 2 ** 30
            loads[name] = {"seconds": seconds, "weights_gib": gib}
            self.row(f"load {name}", f"{seconds:.1f} s", f"{gib:.2f} GiB resident")
        self.results["load"] = loads

    def model_inputs(self, side: int, batch: int) -> dict:
        """GPU tensors for each component at an image side, as the BLS sends them."""
        fp, cfg = self.fp, self.repo.models["bls"].instance.config
        t5_length = self.repo.models["bls"].instance.max_sequence_length
        h, w = fp.latent_size(side, side, cfg.vae)
        dit = self.repo.models["dit_transformer"].instance
        x = dit.example_inputs(batch, (h // 2) * (w // 2), t5_length)
        x = {k: v for k, v in x.items() if v is not None}
        ids = lambda length: torch.randint(0, 200, (batch, length), device=self.device)  # noqa: E731
        return {"clip_encoder": {"input_ids": ids(fp.CLIP_MAX_LENGTH)},
                "t5_encoder": {"input_ids": ids(t5_length)},
                "dit_transformer": x,
                "vae_decoder": {"latents": torch.randn(batch, cfg.latent_channels, h, w,
                                                       device=self.device)}}

    def call(self, model: str, inputs: dict):
        dl = torch.utils.dlpack.to_dlpack
        request = self.pb.InferenceRequest(
            model_name=model, requested_output_names=[],
            inputs=[self.pb.Tensor.from_dlpack(k, dl(v.contiguous())) for k, v in inputs.items()])
        response = self.repo.execute(model, [request])[0]
        if response.has_error():
            raise RuntimeError(response.error().message())

    def latency(self):
        side = self.sizes[-1]
        per_model = {}
        for batch in (1, 4):
            inputs = self.model_inputs(side, batch)
            for model, x in inputs.items():
                if self.cuda:
                    torch.cuda.reset_peak_memory_stats()
                base = torch.cuda.memory_allocated() if self.cuda else 0
                seconds = self.timed(lambda: self.call(model, x), repeat=5)
                peak = ((torch.cuda.max_memory_allocated() - base) / 2 ** 30) if self.cuda else 0
                per_model[f"{model} b{batch}"] = {"ms": seconds * 1e3, "peak_extra_gib": peak}
                self.row(f"{model} {side}² batch {batch}", f"{seconds * 1e3:.1f} ms",
                         f"+{peak:.2f} GiB peak")
        self.results["latency"] = per_model

    def reference(self):
        m = {n: self.repo.models[n].instance.model for n in
             ("clip_encoder", "t5_encoder", "dit_transformer", "vae_decoder")}
        bls = self.repo.models["bls"].instance
        clip_tok, t5_tok = self.fp.load_tokenizers(self.parameters["weights_dir"])
        dtype = self.fp.parse_dtype(self.parameters["dtype"])
        return self.fp.FluxPipeline(bls.config, m["clip_encoder"], m["t5_encoder"],
                                    m["dit_transformer"], m["vae_decoder"], clip_tok, t5_tok,
                                    dtype, self.device)

    def bls_vs_reference(self):
        reference = self.reference()
        for side in self.sizes:
            self.bls_vs_reference_at(side, reference)

    def bls_vs_reference_at(self, side: int, reference):
        steps = reference.config.default_steps
        run_ref = lambda: reference([PROMPT], height=side, width=side, seeds=[0],  # noqa: E731
                                    max_sequence_length=self.repo.models["bls"].instance.max_sequence_length)
        run_bls = lambda: self.bls(1, side)  # noqa: E731
        ref_image, bls_image = run_ref(), run_bls()
        times = {"reference": [], "bls": []}
        for _ in range(self.args.repeat):  # alternate, so drift hits both alike
            times["reference"].append(self.timed(run_ref, repeat=1, warmup=0))
            times["bls"].append(self.timed(run_bls, repeat=1, warmup=0))
        ref_s, bls_s = (statistics.median(times[k]) for k in ("reference", "bls"))
        diff = np.abs(ref_image.astype(int) - bls_image.astype(int))
        self.results.setdefault("bls_vs_reference", {})[side] = {
            "side": side, "steps": steps, "reference_s": ref_s, "bls_s": bls_s,
            "ratio": bls_s / ref_s, "bit_identical": bool(np.array_equal(ref_image, bls_image)),
            "max_level_diff": int(diff.max()), "times": times}
        self.row(f"reference {side}² {steps} steps", f"{ref_s * 1e3:.0f} ms")
        self.row(f"BLS {side}² {steps} steps", f"{bls_s * 1e3:.0f} ms",
                 f"ratio {bls_s / ref_s:.3f}", f"bit-identical {np.array_equal(ref_image, bls_image)}",
                 f"max diff {int(diff.max())} levels")

    def throughput(self):
        table = {}
        for side in self.sizes:
            singles = [self.bls(1, side, seed) for seed in range(4)]
            for batch in (1, 2, 4):
                seconds = self.timed(lambda: self.bls(batch, side), repeat=self.args.repeat)
                table[f"{side} b{batch}"] = {"s": seconds, "ms_per_image": seconds * 1e3 / batch,
                                             "images_per_s": batch / seconds}
                self.row(f"BLS {side}² batch {batch}", f"{seconds * 1e3 / batch:.0f} ms/image",
                         f"{batch / seconds:.2f} images/s")
            batched = self.bls(4, side)
            diff = np.abs(batched.astype(int) - np.concatenate(singles).astype(int))
            table[f"{side} batch-vs-single"] = {"max": int(diff.max()), "mean": float(diff.mean())}
            self.row(f"batch 4 vs 4 singles {side}²", f"max {int(diff.max())} levels",
                     f"mean {diff.mean():.3f}")
        self.results["throughput"] = table

    def utilisation(self, label: str = "eager", sides=None):
        """The transformer's compute alone (no Triton handling), FLOPs over time vs peak."""
        dit = self.repo.models["dit_transformer"].instance
        peak = self.results.get("matmul_bf16_tflops")
        out = {}
        for side in sides or self.sizes:
            for batch in (1, 4):
                x = {k: v for k, v in self.model_inputs(side, batch)["dit_transformer"].items()}
                with torch.no_grad():
                    seconds = self.timed(lambda: dit.compute(**x), repeat=5)
                flops = transformer_flops(dit.model.config, batch, x["hidden_states"].shape[1],
                                          x["encoder_hidden_states"].shape[1])
                tflops = flops / seconds / 1e12
                share = f"{100 * tflops / peak:.0f}% of peak" if peak else "-"
                out[f"{side} b{batch}"] = {"ms": seconds * 1e3, "tflop": flops / 1e12,
                                           "tflops": tflops, "of_peak": tflops / peak if peak else None}
                self.row(f"transformer step {label} {side}² b{batch}",
                         f"{seconds * 1e3:.1f} ms ({seconds * 1e3 / batch:.1f}/image)",
                         f"{flops / 1e12:.1f} TFLOP", f"{tflops:.0f} TFLOP/s", share)
        self.results.setdefault("utilisation", {})[label] = out

    def speedups(self):
        """Eager vs each opt-in speed-up vs all, on the loaded networks (no reload)."""
        import triton_model_utils as utils
        dit = self.repo.models["dit_transformer"].instance
        vae = self.repo.models["vae_decoder"].instance
        eager = {"dit": dit.model, "vae": vae.model}
        compiled = {}
        cache = str(self.args.out / "inductor-cache") if self.args.cache is None else self.args.cache
        # Each compiled shape costs a compile (minutes for the transformer), so the single
        # options run at the largest size only, eager and the "all" ones at every size.
        labels = [label.strip() for label in self.args.options.split(",")]
        unknown = [label for label in labels if label not in SPEEDUP_OPTIONS]
        if unknown:
            raise ValueError(f"unknown --options {unknown}; known: {sorted(SPEEDUP_OPTIONS)}")
        baseline, table = {}, {}
        for label in labels:
            choice, start = SPEEDUP_OPTIONS[label], time.perf_counter()
            dit.model = eager["dit"]
            vae.model, vae.memory_format = eager["vae"], torch.contiguous_format
            if "dit" in choice:
                key = ("dit", choice["dit"])
                if key not in compiled:
                    compiled[key] = utils.apply_speedups(
                        eager["dit"], utils.Speedups(choice["dit"] if self.cuda else "off", cache))
                dit.model = compiled[key]
            if "vae" in choice:
                mode, channels_last = choice["vae"]
                key = ("vae", mode, channels_last)
                if key not in compiled:
                    compiled[key] = utils.apply_speedups(eager["vae"], utils.Speedups(
                        mode if self.cuda else "off", cache, channels_last=channels_last))
                vae.model = compiled[key]
                if channels_last:
                    vae.memory_format = torch.channels_last
            sides = self.sizes if label.startswith(("eager", "all")) else self.sizes[-1:]
            row = {}
            for side in sides:  # the first call compiles: the warm-up time
                warm = time.perf_counter()
                image = self.bls(1, side)
                row[f"{side} first_s"] = time.perf_counter() - warm
                seconds = self.timed(lambda: self.bls(1, side), repeat=self.args.repeat, warmup=0)
                row[f"{side} ms"] = seconds * 1e3
                if label == "eager":
                    baseline[side] = (seconds, image)
                diff = np.abs(image.astype(int) - baseline[side][1].astype(int))
                row[f"{side} speedup"] = baseline[side][0] / seconds
                row[f"{side} diff"] = {"mean": float(diff.mean()), "max": int(diff.max())}
            row["total_s"] = time.perf_counter() - start
            table[label] = row
            self.row(f"[{label}]", *(f"{s}²: {row[f'{s} ms']:.0f} ms ×{row[f'{s} speedup']:.2f} "
                                     f"(first {row[f'{s} first_s']:.0f} s, diff mean "
                                     f"{row[f'{s} diff']['mean']:.2f} max {row[f'{s} diff']['max']})"
                                     for s in sides))
            self.results["speedups"] = table
            self.save()
        if "all" in labels:  # utilisation of the compiled transformer, batch 1 and 4
            dit.model = compiled[("dit", "default")]
            vae.model, vae.memory_format = compiled[("vae", "default", True)], torch.channels_last
            self.utilisation("compiled", sides=self.sizes[-1:])

    def run(self, parts):
        self.results["device"] = torch.cuda.get_device_name(0) if self.cuda else "cpu"
        self.results["torch"] = torch.__version__
        for name in parts:
            print(f"--- {name}", flush=True)
            start = time.perf_counter()
            try:
                getattr(self, name)()
            except Exception as error:  # one part failing must not lose the others' numbers
                import traceback
                traceback.print_exc()
                self.results.setdefault("errors", {})[name] = f"{type(error).__name__}: {error}"
                self.row(f"{name} FAILED", f"{type(error).__name__}: {error}"[:200])
            print(f"--- {name}: {time.perf_counter() - start:.1f} s", flush=True)
            self.save()

    def save(self):
        self.args.out.mkdir(parents=True, exist_ok=True)
        (self.args.out / f"{self.args.part}.json").write_text(json.dumps(self.results, indent=1))


# label -> {"dit": compile mode, "vae": (compile mode, channels_last)}
SPEEDUP_OPTIONS = {
    "eager": {},
    "compile transformer": {"dit": "default"},
    "compile vae": {"vae": ("default", False)},
    "channels-last vae": {"vae": ("off", True)},
    "all": {"dit": "default", "vae": ("default", True)},
    "all + CUDA graphs": {"dit": "reduce-overhead", "vae": ("reduce-overhead", True)},
}
DEFAULT_OPTIONS = "eager,compile transformer,compile vae,channels-last vae,all"

PARTS = {"base": ["ceilings", "load", "latency", "bls_vs_reference", "throughput", "utilisation"],
         "speedups": ["ceilings", "load", "speedups"],
         "reference": ["load", "bls_vs_reference"]}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workspace", type=Path, required=True)
    parser.add_argument("--weights", type=Path)
    parser.add_argument("--tiny", action="store_true", help="tiny weights on the CPU (smoke test)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--part", choices=sorted(PARTS), default="base")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cache", default=None, help="TORCHINDUCTOR cache dir (speedups)")
    parser.add_argument("--options", default=DEFAULT_OPTIONS,
                        help=f"speedups to compare, comma-separated (default {DEFAULT_OPTIONS!r})")
    args = parser.parse_args(argv)
    if not args.tiny and args.weights is None:
        parser.error("give --weights DIR (bench/gpu/fake_weights.py writes one) or --tiny")
    bench = Bench(args)
    with torch.inference_mode(False):
        bench.run(PARTS[args.part])
    table = "\n".join([f"== {args.part}: {bench.results['device']}, torch {torch.__version__}"]
                      + bench.lines)
    (args.out / f"{args.part}-table.txt").write_text(table + "\n")
    print("\n" + table, flush=True)
    return 1 if bench.results.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
