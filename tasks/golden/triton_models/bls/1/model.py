# /// script
# requires-python = ">=3.10"
# dependencies = ["numpy", "torch", "transformers>=4.44", "safetensors", "tokenizers"]
# ///
# `uv run triton_models/<model>/1/model.py` (or `python model.py`) runs the self-test from the
# workspace root's layout; inside Triton this block is only a comment.
"""bls: FLUX.1 text-to-image, orchestrating the four models over BLS (Triton python backend).

Contract (tensor_contract.md): prompt STRING [B, 1]; optional height, width,
num_inference_steps INT32 [B, 1], guidance_scale FP32 [B, 1], seed INT64 [B, 1]
-> images UINT8 [B, H, W, 3].

Per batch of requests: tokenize every prompt (CLIP, T5), call clip_encoder and t5_encoder
once, build seeded noise per row, then call dit_transformer once per Euler step for the
whole batch, and vae_decoder once. Requests whose size or step count differ run as
separate groups. The sampling math (noise, packing, ids, schedule, Euler step,
postprocess) is imported from flux_pipeline.py, so it cannot drift from the reference; the
Triton handling shared by the five models comes from triton_model_utils.py beside it.

`python model.py` checks the BLS against the reference pipeline on tiny weights, without Triton.
"""

import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

try:
    import triton_python_backend_utils as pb_utils
except ImportError:  # outside Triton: only the self-test runs, with the workspace stand-in
    pb_utils = None

MODEL_NAME = "bls"
MAX_SIDE = 2048  # FLUX.1 is trained up to about 2 megapixels
MAX_STEPS = 100
utils = None  # triton_model_utils, imported by initialize() from beside flux_pipeline.py


def import_shared(args: dict):
    """(flux_pipeline, triton_model_utils), from the first directory holding both of: the
    `flux_pipeline_dir` parameter's, the model repository, the repository's parent.

    The same in all five model.py files (tests/test_standin_bootstrap.py checks it): it has
    to run before the shared modules can be imported, so it cannot live in them. No bytecode
    is written: a `__pycache__/` at the repository root is a directory Triton would try to
    load as a model."""
    named = json.loads(args["model_config"]).get("parameters", {}).get("flux_pipeline_dir", {})
    here = Path(__file__).resolve()
    candidates = [named.get("string_value", ""), str(here.parents[2]), str(here.parents[3])]
    files = ("flux_pipeline.py", "triton_model_utils.py")
    for directory in filter(None, candidates):
        if all((Path(directory) / f).is_file() for f in files):
            sys.dont_write_bytecode = True
            sys.path.insert(0, directory)
            import flux_pipeline
            import triton_model_utils
            return flux_pipeline, triton_model_utils
    raise ImportError(f"{MODEL_NAME}: {' and '.join(files)} not found together in {candidates};"
                      f" copy both into the model repository or set 'flux_pipeline_dir'")


class CalleeError(RuntimeError):
    """A model called over BLS answered with an error."""


def failure_message(error: BaseException, batch: int) -> str:
    hint = "; retry with fewer or smaller requests" if utils.release_if_out_of_memory(error) else ""
    return f"{MODEL_NAME}: generating a batch of {batch} failed: {error}{hint}"


@dataclass
class Job:
    """One request: its rows share height, width and steps, each row has its own seed."""
    index: int
    prompts: list
    height: int
    width: int
    steps: int
    guidance: list
    seeds: list

    @property
    def group_key(self) -> tuple:
        return (self.height, self.width, self.steps)


class TritonPythonModel:
    def initialize(self, args):
        global utils
        self.fp, utils = import_shared(args)
        model_args = utils.parse_args(args)
        parameters, config = model_args.parameters, model_args.config
        self.device = model_args.device
        # Ask callees for GPU outputs when we run on a GPU: latents never visit the host.
        self.memory = ({"preferred_memory": pb_utils.PreferredMemory(
            pb_utils.TRITONSERVER_MEMORY_GPU, model_args.device_id)} if model_args.gpu else {})
        weights_dir = parameters.get("weights_dir", "")
        self.config = self.fp.config_for(weights_dir, parameters.get("variant", "schnell"))
        self.max_sequence_length = int(parameters.get("max_sequence_length", "0")
                                       or self.config.max_sequence_length)
        self.max_batch = max(1, int(config.get("max_batch_size", 1)))
        self.clip_tokenizer, self.t5_tokenizer = self.fp.load_tokenizers(weights_dir)

    # --- reading requests --------------------------------------------------------------

    def read_request(self, index: int, request) -> Job:
        prompts = self.read_prompts(request)
        rows = len(prompts)
        cfg = self.config

        # Each input is fetched with its literal name, so `flux-triton check` can prove it.
        def scalar(tensor, name, dtype, default):
            """Optional input `name` (None when absent): one value per prompt, or the default."""
            if tensor is None:
                return [default] * rows
            values = tensor.as_numpy()
            if values.dtype != dtype or values.shape != (rows, 1):
                raise utils.RequestError(
                    f"input '{name}': expected {np.dtype(dtype).name} [{rows}, 1] "
                    f"(one per prompt), got {values.dtype} {list(values.shape)}")
            return [v.item() for v in values[:, 0]]

        heights = scalar(pb_utils.get_input_tensor_by_name(request, "height"), "height",
                         np.int32, cfg.default_height)
        widths = scalar(pb_utils.get_input_tensor_by_name(request, "width"), "width",
                        np.int32, cfg.default_width)
        steps = scalar(pb_utils.get_input_tensor_by_name(request, "num_inference_steps"),
                       "num_inference_steps", np.int32, cfg.default_steps)
        guidance = scalar(pb_utils.get_input_tensor_by_name(request, "guidance_scale"),
                          "guidance_scale", np.float32, cfg.default_guidance)
        seeds = scalar(pb_utils.get_input_tensor_by_name(request, "seed"), "seed", np.int64, 0)
        for name, values in (("height", heights), ("width", widths), ("num_inference_steps", steps)):
            if len(set(values)) != 1:
                raise utils.RequestError(
                    f"input '{name}' must be the same for every row of a request")
        height, width, step_count = heights[0], widths[0], steps[0]
        multiple = cfg.size_multiple
        for name, side in (("height", height), ("width", width)):
            if side < multiple or side > MAX_SIDE or side % multiple:
                raise utils.RequestError(f"input '{name}': must be a multiple of {multiple} in "
                                         f"[{multiple}, {MAX_SIDE}], got {side}")
        if not 1 <= step_count <= MAX_STEPS:
            raise utils.RequestError(f"input 'num_inference_steps': must be in [1, {MAX_STEPS}], "
                                     f"got {step_count}")
        if not all(math.isfinite(g) for g in guidance):
            raise utils.RequestError("input 'guidance_scale': must be a finite number")
        if any(s < 0 for s in seeds):
            raise utils.RequestError(f"input 'seed': must be >= 0, got {seeds}")
        return Job(index, prompts, height, width, step_count, guidance, seeds)

    @staticmethod
    def read_prompts(request) -> list:
        tensor = pb_utils.get_input_tensor_by_name(request, "prompt")
        if tensor is None:
            raise utils.RequestError("missing input 'prompt' (expected STRING [B, 1])")
        values = tensor.as_numpy()
        if values.ndim != 2 or values.shape[1] != 1 or values.shape[0] < 1:
            raise utils.RequestError(
                f"input 'prompt': expected STRING [B, 1], got shape {list(values.shape)}")
        prompts = []
        for value in values[:, 0]:
            if isinstance(value, str):
                prompts.append(value)
                continue
            if not isinstance(value, (bytes, np.bytes_)):
                raise utils.RequestError(
                    f"input 'prompt': expected UTF-8 bytes, got {type(value).__name__}")
            try:
                prompts.append(bytes(value).decode("utf-8"))
            except UnicodeDecodeError as error:
                raise utils.RequestError(f"input 'prompt': not valid UTF-8 ({error})") from None
        return prompts

    # --- BLS calls ------------------------------------------------------------------------

    def output_of(self, model: str, response, tensor) -> torch.Tensor:
        """`tensor`, read from `model`'s BLS `response` by the caller, as a torch tensor on this
        model's device; CalleeError when the call failed or the output is missing."""
        if response.has_error():
            raise CalleeError(f"{model} failed: {response.error().message()}")
        if tensor is None:
            raise CalleeError(f"{model} returned no output tensor")
        if not tensor.is_cpu():
            return torch.from_dlpack(tensor.to_dlpack())
        return torch.from_numpy(np.array(tensor.as_numpy())).to(self.device)

    # --- generation -----------------------------------------------------------------------

    @torch.no_grad()
    def generate(self, prompts: list, height: int, width: int, steps: int, guidance: list,
                 seeds: list) -> torch.Tensor:
        """One group (same size and steps) -> uint8 images (B, H, W, 3) on the CPU."""
        fp, cfg, batch, dlpack = self.fp, self.config, len(prompts), utils.dlpack
        clip_ids = fp.tokenize(self.clip_tokenizer, prompts, fp.CLIP_MAX_LENGTH)
        t5_ids = fp.tokenize(self.t5_tokenizer, prompts, self.max_sequence_length)
        # Every request is spelled out with literal model, input and output names, and its
        # output read from its own response with a literal name, so that `flux-triton check`
        # can prove each one against the callee's config.pbtxt and the request.
        clip = pb_utils.InferenceRequest(
            model_name="clip_encoder", requested_output_names=["pooled_embeds"],
            inputs=[pb_utils.Tensor.from_dlpack("input_ids", dlpack(clip_ids))],
            **self.memory).exec()
        pooled = self.output_of("clip_encoder", clip,
                                pb_utils.get_output_tensor_by_name(clip, "pooled_embeds"))
        t5 = pb_utils.InferenceRequest(
            model_name="t5_encoder", requested_output_names=["prompt_embeds"],
            inputs=[pb_utils.Tensor.from_dlpack("input_ids", dlpack(t5_ids))],
            **self.memory).exec()
        embeds = self.output_of("t5_encoder", t5,
                                pb_utils.get_output_tensor_by_name(t5, "prompt_embeds"))

        h, w = fp.latent_size(height, width, cfg.vae)
        noise = torch.cat([fp.initial_noise(seed, cfg.latent_channels, h, w) for seed in seeds])
        latents = fp.pack_latents(noise).to(self.device)
        img_ids = fp.prepare_img_ids(h, w).expand(batch, -1, -1).to(self.device)
        txt_ids = fp.prepare_txt_ids(embeds.shape[1]).expand(batch, -1, -1).to(self.device)
        guidance_scale = torch.tensor(guidance, dtype=torch.float32, device=self.device)[:, None]
        sigmas = fp.flow_match_sigmas(steps, latents.shape[1], cfg.uses_shift)

        def velocity(x: torch.Tensor, sigma: torch.Tensor) -> torch.Tensor:
            inputs = [
                pb_utils.Tensor.from_dlpack("hidden_states", dlpack(x)),
                pb_utils.Tensor.from_dlpack("encoder_hidden_states", dlpack(embeds)),
                pb_utils.Tensor.from_dlpack("pooled_projections", dlpack(pooled)),
                pb_utils.Tensor.from_dlpack("timestep", dlpack(sigma[:, None].float())),
                pb_utils.Tensor.from_dlpack("img_ids", dlpack(img_ids)),
                pb_utils.Tensor.from_dlpack("txt_ids", dlpack(txt_ids)),
            ]
            if cfg.transformer.guidance_embed:  # dev only; schnell has no guidance embedding
                inputs.append(pb_utils.Tensor.from_dlpack("guidance", dlpack(guidance_scale)))
            dit = pb_utils.InferenceRequest(
                model_name="dit_transformer", requested_output_names=["noise_pred"],
                inputs=inputs, **self.memory).exec()
            return self.output_of("dit_transformer", dit,
                                  pb_utils.get_output_tensor_by_name(dit, "noise_pred"))

        latents = fp.euler_denoise(latents, sigmas, velocity)
        # The one finiteness check of the whole loop (the callees skip theirs on GPU inputs,
        # which would cost a host sync per step).
        if not torch.isfinite(latents).all():
            raise CalleeError("dit_transformer: the denoised latents contain NaN or infinity")
        vae = pb_utils.InferenceRequest(
            model_name="vae_decoder", requested_output_names=["image"],
            inputs=[pb_utils.Tensor.from_dlpack("latents", dlpack(fp.unpack_latents(latents, h, w)))],
            **self.memory).exec()
        image = self.output_of("vae_decoder", vae, pb_utils.get_output_tensor_by_name(vae, "image"))
        return fp.to_uint8_images(image).cpu()

    def run_group(self, jobs: list) -> dict:
        """Generate every row of these jobs in chunks of max_batch rows: index -> response."""
        rows = [(job, row) for job in jobs for row in range(len(job.prompts))]
        images, failed = {}, {}
        first = jobs[0]
        for start in range(0, len(rows), self.max_batch):
            chunk = rows[start:start + self.max_batch]
            try:
                out = self.generate([j.prompts[r] for j, r in chunk], first.height, first.width,
                                    first.steps, [j.guidance[r] for j, r in chunk],
                                    [j.seeds[r] for j, r in chunk])
            except Exception as error:  # a callee error or OOM fails this chunk only
                for job, _ in chunk:
                    failed[job.index] = failure_message(error, len(chunk))
                continue
            for (job, row), image in zip(chunk, out):
                images.setdefault(job.index, {})[row] = image
        responses = {}
        for job in jobs:
            if job.index in failed:
                responses[job.index] = utils.error_response(failed[job.index])
                continue
            stacked = torch.stack([images[job.index][r] for r in range(len(job.prompts))])
            responses[job.index] = pb_utils.InferenceResponse(
                [pb_utils.Tensor("images", stacked.numpy())])
        return responses

    def execute(self, requests):
        responses = [None] * len(requests)
        groups = {}  # (height, width, steps) -> [Job]
        for index, request in enumerate(requests):
            try:
                job = self.read_request(index, request)
            except utils.RequestError as error:
                responses[index] = utils.error_response(f"{MODEL_NAME}: {error}")
                continue
            groups.setdefault(job.group_key, []).append(job)
        for jobs in groups.values():
            for index, response in self.run_group(jobs).items():
                responses[index] = response
        return responses

    def finalize(self):
        self.clip_tokenizer = self.t5_tokenizer = None


# --- self-test: `python model.py` ----------------------------------------------------------

def prompt_request(repo, prompt: str, **scalars):
    types = {"height": np.int32, "width": np.int32, "num_inference_steps": np.int32,
             "guidance_scale": np.float32, "seed": np.int64}
    inputs = {"prompt": np.array([[prompt.encode()]], dtype=object)}
    inputs.update({k: np.array([[v]], dtype=types[k]) for k, v in scalars.items()})
    return repo.request(MODEL_NAME, inputs)


def self_test() -> None:
    here = Path(__file__).resolve()
    sys.path.insert(0, str(here.parents[3] / "testing"))
    from triton_harness import Repository, outputs_of, tiny_parameters

    for variant in ("dev", "schnell"):
        repo = Repository(here.parents[2], tiny_parameters(variant))
        bls = repo.models[MODEL_NAME].instance
        reference = bls.fp.build_tiny_pipeline(0, variant)
        expected = reference(["a photo of a cat", "a red fox in the snow"], seeds=[1, 2])

        responses = repo.execute(MODEL_NAME, [
            prompt_request(repo, "a photo of a cat", seed=1),
            prompt_request(repo, "a red fox in the snow", seed=2),
            prompt_request(repo, "a tiny owl", height=12, width=8, seed=3),
            prompt_request(repo, "bad size", height=7),
            repo.request(MODEL_NAME, {"seed": np.array([[1]], np.int64)})])
        assert [r.has_error() for r in responses] == [False, False, False, True, True], variant
        got = np.concatenate([outputs_of(r)["images"] for r in responses[:2]])
        assert got.dtype == np.uint8 and got.shape == expected.shape, got.shape
        assert np.abs(got.astype(int) - expected.astype(int)).max() <= 1, variant
        assert outputs_of(responses[2])["images"].shape == (1, 12, 8, 3)
        assert "height" in responses[3].error().message()
        assert "prompt" in responses[4].error().message()
        repo.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the workspace root
    from triton_model_utils import run_self_test
    run_self_test(MODEL_NAME, self_test)
