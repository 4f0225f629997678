"""Serve FLUX.1 through the golden Triton models on one GPU and measure it (issues 9, 10).

    python bench/gpu/bench_flux.py --workspace WS --weights DIR --out OUT [--part base|speedups]
    python bench/gpu/bench_flux.py --workspace WS --tiny --out OUT      # CPU smoke test

WS is a workspace as tasks/golden/run-golden-tests.sh assembles it (the context files at
the root, triton_models/, testing/). The five models load through the in-process Triton
stand-in as KIND_GPU instances on device 0, bf16, from DIR (bench/gpu/fake_weights.py);
the tokenizers are the tiny in-process ones. Part "base": ceilings, load time and memory per
model, per-model latency, BLS against the reference FluxPipeline built from the same loaded
networks, batch 1/2/4 throughput, batch-vs-single levels, transformer utilisation. Part
"speedups": eager vs each opt-in parameter vs combinations, with a one-step quality figure
against float32. Part "deploy": the models loaded with --parameters as deployed, batch
throughput and utilisation. Part "reference": BLS against the reference at every size. Results go to OUT/<part>.json and a table
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
            self.sizes = tuple(int(side) for side in args.sides.split(","))

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
        one = torch.ones((), device=self.device)
        a8, b8 = a.to(torch.float8_e4m3fn), b.to(torch.float8_e4m3fn).t()  # b column-major
        seconds = self.timed(lambda: torch._scaled_mm(a8, b8, scale_a=one, scale_b=one,
                                                      out_dtype=torch.bfloat16), repeat=20, warmup=3)
        self.results["matmul_fp8_tflops"] = 2 * n ** 3 / seconds / 1e12
        del a, b, a8, b8, x, y
        torch.cuda.empty_cache()
        self.row("bf16 matmul 8192³ (TFLOP/s)", f"{self.results['matmul_bf16_tflops']:.0f}")
        self.row("fp8 matmul 8192³ (TFLOP/s)", f"{self.results['matmul_fp8_tflops']:.0f}")
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
        """Eager vs each opt-in speed-up vs combinations, on the loaded networks (no reload):
        BLS end to end at batch 1, the image against eager's, and one transformer step
        against a float32 one (quality, see `step_error`)."""
        import triton_model_utils as utils
        inst = {name: self.repo.models[name].instance for name in
                ("clip_encoder", "t5_encoder", "dit_transformer", "vae_decoder")}
        eager = {name: i.model for name, i in inst.items()}
        labels = [label.strip() for label in self.args.options.split(",")]
        unknown = [label for label in labels if label not in SPEEDUP_OPTIONS]
        if unknown:
            raise ValueError(f"unknown --options {unknown}; known: {sorted(SPEEDUP_OPTIONS)}")
        self.variants, baseline, table = {}, {}, {}
        step = self.step_inputs()
        for label in labels:
            start = time.perf_counter()
            try:
                choice = SPEEDUP_OPTIONS[label]
                self.use(inst, eager, choice)
                sides = self.sizes if label in FULL_SIZE_OPTIONS else self.sizes[-1:]
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
                row["step_error"] = self.step_error(inst["dit_transformer"], step)
            except Exception as error:  # one option failing must not lose the others
                import traceback
                traceback.print_exc()
                row = {"error": f"{type(error).__name__}: {error}"[:300]}
                self.row(f"[{label}] FAILED", row["error"])
                table[label] = row
                continue
            row["total_s"] = time.perf_counter() - start
            table[label] = row
            self.row(f"[{label}]", *(f"{s}²: {row[f'{s} ms']:.0f} ms ×{row[f'{s} speedup']:.2f} "
                                     f"(first {row[f'{s} first_s']:.0f} s, diff mean "
                                     f"{row[f'{s} diff']['mean']:.2f} max {row[f'{s} diff']['max']})"
                                     for s in sides), f"step error {100 * row['step_error']:.2f}%")
            self.results["speedups"] = table
            self.save()
        for label in (x for x in ("all + fp8 + cudnn", "all + fp8", "all") if x in table):
            if "error" not in table[label]:  # utilisation of the fastest combination measured
                self.use(inst, eager, SPEEDUP_OPTIONS[label])
                self.utilisation(label)
                break
        self.use(inst, eager, {})

    def use(self, inst: dict, eager: dict, choice: dict):
        """Point the loaded models at the networks `choice` asks for (built once, cached)."""
        import copy
        import triton_model_utils as utils
        dit, vae = inst["dit_transformer"], inst["vae_decoder"]
        for name, i in inst.items():
            i.model = eager[name]
        vae.memory_format = torch.contiguous_format

        def variant(key, build):
            if key not in self.variants:
                self.variants[key] = build()
            return self.variants[key]

        fp8, attention = choice.get("fp8", "off"), choice.get("attention", "default")
        base = eager["dit_transformer"] if fp8 == "off" else variant(
            ("dit fp8", fp8), lambda: utils.to_fp8_linears(copy.deepcopy(eager["dit_transformer"])))
        mode = choice.get("dit", "off") if self.cuda else "off"
        scope = choice.get("scope", "blocks")
        speedups = utils.Speedups(mode, self.cache, compile_scope=scope, attention=attention)
        dit.model = variant(("dit", mode, scope, fp8, attention), lambda: utils.apply_speedups(
            shallow_clone(base), speedups, "dit_transformer"))
        if "vae" in choice:
            mode, channels_last = choice["vae"]
            vae.model = variant(("vae", mode, channels_last), lambda: utils.apply_speedups(
                eager["vae_decoder"], utils.Speedups(mode if self.cuda else "off", self.cache,
                                                     channels_last=channels_last)))
            if channels_last:
                vae.memory_format = torch.channels_last
        if "text" in choice:
            for name in ("clip_encoder", "t5_encoder"):
                mode = choice["text"] if self.cuda else "off"
                inst[name].model = variant((name, mode), lambda name=name, mode=mode:
                                           utils.apply_speedups(eager[name],
                                                                utils.Speedups(mode, self.cache)))

    @property
    def cache(self) -> str:
        return str(self.args.out / "inductor-cache") if self.args.cache is None else self.args.cache

    def step_inputs(self) -> dict:
        """One transformer step's inputs at the largest size, batch 1 (fixed seed), and its
        output from a float32 copy of the network (built here, then freed)."""
        torch.manual_seed(0)
        x = self.model_inputs(self.sizes[-1], 1)["dit_transformer"]
        x["encoder_hidden_states"] = x["encoder_hidden_states"] * 0.2  # T5-like scale
        h, w = self.fp.latent_size(self.sizes[-1], self.sizes[-1],
                                   self.repo.models["bls"].instance.config.vae)
        x["img_ids"] = self.fp.prepare_img_ids(h, w)[None].to(self.device)
        dit = self.repo.models["dit_transformer"].instance
        import copy
        full = copy.deepcopy(dit.model).float() if not self.cuda else self.fp.load_transformer(
            self.parameters["weights_dir"], "schnell", torch.float32, self.device)
        with torch.no_grad():
            exact = full(img=x["hidden_states"], img_ids=x["img_ids"],
                         txt=x["encoder_hidden_states"], txt_ids=x["txt_ids"],
                         timesteps=x["timestep"][:, 0], y=x["pooled_projections"], guidance=None)
        del full
        if self.cuda:
            torch.cuda.empty_cache()
        return {"inputs": x, "exact": exact.float()}

    def step_error(self, dit, step: dict) -> float:
        """‖v − v₃₂‖ / ‖v₃₂‖ of one transformer step against float32 weights and arithmetic:
        a quality figure that random weights do not amplify the way 4 steps and the VAE do."""
        with torch.no_grad():
            got = dit.compute(**step["inputs"])
        return float((got - step["exact"]).norm() / step["exact"].norm())

    def fp8_layers(self):
        """One-step quality (see `step_error`) of FP8 in a subset of the transformer's blocks,
        eager: which layers cost the most precision. FLOP share = the share of the block
        matmuls that run in FP8 (every block has the same per-token matmul FLOPs)."""
        import copy
        import types
        import triton_model_utils as utils
        dit = self.repo.models["dit_transformer"].instance
        eager, step, out = dit.model, self.step_inputs(), {}
        n_double, n_single = len(eager.double_blocks), len(eager.single_blocks)
        subsets = {
            "bf16 (no fp8)": lambda d, s: ([], []),
            "every block": lambda d, s: (d, s),
            "double blocks only": lambda d, s: (d, []),
            "single blocks only": lambda d, s: ([], s),
            "all but the first and last 2 of each kind": lambda d, s: (d[2:-2], s[2:-2]),
            "all but the first and last 5 single blocks": lambda d, s: (d, s[5:-5]),
            "double-block MLPs and single blocks": lambda d, s: (
                [b.img_mlp for b in d] + [b.txt_mlp for b in d], s),
        }
        for label, pick in subsets.items():
            network = copy.deepcopy(eager)
            double, single = pick(list(network.double_blocks), list(network.single_blocks))
            utils.to_fp8_linears(types.SimpleNamespace(double_blocks=double, single_blocks=single))
            converted = sum(isinstance(m, utils.Float8Linear) for m in network.modules())
            dit.model = network
            error = self.step_error(dit, step)
            share = (len(double) + len(single)) / (n_double + n_single) if "MLP" not in label \
                else (n_double * 2 / 3 + n_single) / (n_double + n_single)  # MLP: 8h² of 12h²
            out[label] = {"step_error": error, "fp8_layers": converted, "flop_share": share}
            self.row(f"fp8 in {label}", f"{converted} layers", f"{100 * share:.0f}% of block FLOPs",
                     f"step error {100 * error:.2f}%")
            dit.model = eager
            del network
            if self.cuda:
                torch.cuda.empty_cache()
        self.results["fp8_layers"] = out

    def deploy(self):
        """The models loaded as deployed with --parameters (e.g. every speed-up on): BLS
        batch 1/2/4 throughput at each size, and the transformer's utilisation."""
        self.throughput()
        self.utilisation(self.args.label)

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


def shallow_clone(module: torch.nn.Module) -> torch.nn.Module:
    """A module object sharing `module`'s submodules and weights, whose own submodule slots
    can be replaced (compiled blocks) without touching `module`."""
    import copy
    clone = copy.copy(module)
    clone._modules = dict(module._modules)
    return clone


# label -> {"dit": compile mode, "scope": compile_scope, "fp8": mode, "attention": backend,
#           "vae": (compile mode, channels_last), "text": compile mode of CLIP and T5}
ALL = {"dit": "default", "vae": ("default", True), "text": "default"}
SPEEDUP_OPTIONS = {
    "eager": {},
    "compile transformer": {"dit": "default"},
    "compile transformer, whole graph": {"dit": "default", "scope": "whole"},
    "compile vae": {"vae": ("default", False)},
    "compile text encoders": {"text": "default"},
    "channels-last vae": {"vae": ("off", True)},
    "fp8 eager": {"fp8": "e4m3"},
    "cudnn attention eager": {"attention": "cudnn"},
    "all": ALL,
    "all + cudnn": dict(ALL, attention="cudnn"),
    "all + fp8": dict(ALL, fp8="e4m3"),
    "all + fp8 + cudnn": dict(ALL, fp8="e4m3", attention="cudnn"),
    "all + CUDA graphs": {"dit": "reduce-overhead", "scope": "whole",  # blocks cannot replay graphs
                          "vae": ("reduce-overhead", True), "text": "reduce-overhead"},
    "all + max-autotune": dict(ALL, dit="max-autotune-no-cudagraphs"),
    "all + fp8 + max-autotune": dict(ALL, dit="max-autotune-no-cudagraphs", fp8="e4m3"),
}
FULL_SIZE_OPTIONS = ("eager", "all", "all + cudnn", "all + fp8", "all + fp8 + cudnn")  # every size
DEFAULT_OPTIONS = "eager,compile text encoders,fp8 eager,cudnn attention eager,all,all + cudnn," \
                  "all + fp8,all + fp8 + cudnn"

PARTS = {"base": ["ceilings", "load", "latency", "bls_vs_reference", "throughput", "utilisation"],
         "speedups": ["ceilings", "load", "speedups"],
         "deploy": ["ceilings", "load", "deploy"],
         "fp8-layers": ["load", "fp8_layers"],
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
    parser.add_argument("--parameters", default="",
                        help="extra model parameters, KEY=VALUE separated by ';', e.g. "
                             "'compile=default;fp8=e4m3;warmup=1024x1024x1' (part deploy)")
    parser.add_argument("--label", default="deployed", help="the utilisation row's label (deploy)")
    parser.add_argument("--sides", default="512,1024", help="image sides, comma-separated")
    args = parser.parse_args(argv)
    if not args.tiny and args.weights is None:
        parser.error("give --weights DIR (bench/gpu/fake_weights.py writes one) or --tiny")
    bench = Bench(args)
    for item in filter(None, (x.strip() for x in args.parameters.split(";"))):
        key, _, value = item.partition("=")
        bench.parameters[key.strip()] = value.strip()
    with torch.inference_mode(False):
        bench.run(PARTS[args.part])
    table = "\n".join([f"== {args.part}: {bench.results['device']}, torch {torch.__version__}"]
                      + bench.lines)
    (args.out / f"{args.part}-table.txt").write_text(table + "\n")
    print("\n" + table, flush=True)
    return 1 if bench.results.get("errors") else 0


if __name__ == "__main__":
    sys.exit(main())
