# /// script
# requires-python = ">=3.10"
# dependencies = ["numpy", "torch", "transformers>=4.44", "safetensors", "tokenizers"]
# ///
# `uv run triton_models/<model>/1/model.py` (or `python model.py`) runs the self-test from the
# workspace root's layout; inside Triton this block is only a comment.
"""vae_decoder: FLUX.1 autoencoder decoder, latents -> image (Triton python backend).

Contract (tensor_contract.md): latents FP32 [B, 16, h, w], unpacked and as sampled (this
model applies z / 0.3611 + 0.1159 itself) -> image FP32 [B, 3, 8h, 8w] in about [-1, 1].
flux_pipeline.py's `load_vae_decoder` is the network (the project's single implementation).
Grouping by latent size, validation and error responses use triton_model_utils.py, imported
from the directory that holds flux_pipeline.py.

Self-test: `python model.py` decodes tiny random latents of two sizes on CPU, without Triton.
"""

import json
import sys
from pathlib import Path

import numpy as np
import torch

try:
    import triton_python_backend_utils as pb_utils
except ImportError:  # outside Triton: only the self-test runs, with the workspace stand-in
    pb_utils = None

MODEL_NAME = "vae_decoder"
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


class TritonPythonModel:
    def initialize(self, args):
        global utils
        fp, utils = import_shared(args)
        model_args = utils.parse_args(args)
        parameters, self.device = model_args.parameters, model_args.device
        self.dtype = fp.parse_dtype(parameters.get("dtype", "bfloat16"))
        speedups = utils.speedups_from(MODEL_NAME, parameters, model_args.gpu)
        self.memory_format = torch.channels_last if speedups.channels_last else torch.contiguous_format
        weights_dir = parameters.get("weights_dir", "")
        network = fp.load_vae_decoder(weights_dir, self.dtype, self.device)
        z_channels = network.config.z_channels
        self.model = utils.apply_speedups(network, speedups, MODEL_NAME)
        self.spec = utils.Spec(torch.float32, (z_channels, -1, -1))  # latents
        vae = fp.config_for(weights_dir, parameters.get("variant", "schnell")).vae
        for height, width, batch in speedups.warmup:  # compile now, not on a first request
            h, w = fp.latent_size(height, width, vae)
            self.compute(torch.randn(batch, z_channels, h, w, device=self.device))

    def finalize(self):
        self.model = None

    @torch.no_grad()
    def compute(self, latents: torch.Tensor) -> torch.Tensor:
        """The compute core: (B, C, h, w) latents -> image (B, 3, H, W) fp32."""
        latents = latents.to(self.device, self.dtype).contiguous(memory_format=self.memory_format)
        return self.model(latents).float()

    def read_request(self, request) -> torch.Tensor:
        """The request's latents, validated; RequestError when anything is wrong."""
        return utils.read_input(pb_utils.get_input_tensor_by_name(request, "latents"),
                                "latents", self.spec, self.device, finite=True)

    def respond(self, image: torch.Tensor):
        """One request's response over DLPack: on a GPU the output stays there for the caller
        (no copy); on a CPU it is the same memory as the computed slice."""
        return pb_utils.InferenceResponse([
            pb_utils.Tensor.from_dlpack("image", utils.dlpack(image))])

    def execute(self, requests):
        # Only requests of equal latent size (h, w) batch together.
        return utils.execute_batched(MODEL_NAME, requests, read=self.read_request,
                                     group_key=lambda latents: tuple(latents.shape[2:]),
                                     compute=self.compute, respond=self.respond)


# --- self-test: `python model.py` ----------------------------------------------------------

def self_test() -> None:
    here = Path(__file__).resolve()
    sys.path.insert(0, str(here.parents[3] / "testing"))
    from triton_harness import Repository, outputs_of, tiny_parameters
    from triton_model_utils import check_out_of_memory_recovery  # at the workspace root

    repo = Repository(here.parents[2], tiny_parameters("schnell"), models=[MODEL_NAME])
    model = repo.models[MODEL_NAME].instance
    config = model.model.config
    scale = config.spatial_scale
    latents = np.random.default_rng(0).standard_normal((3, config.z_channels, 8, 6), np.float32)

    def request(inputs):
        return repo.request(MODEL_NAME, inputs)

    single = [outputs_of(r)["image"] for r in repo.execute(
        MODEL_NAME, [request({"latents": latents[i:i + 1]}) for i in range(3)])]
    assert single[0].shape == (1, config.out_ch, 8 * scale, 6 * scale)
    batched = outputs_of(repo.execute(MODEL_NAME, [request({"latents": latents})])[0])["image"]
    np.testing.assert_allclose(batched, np.concatenate(single), atol=1e-5)

    responses = repo.execute(MODEL_NAME, [
        request({"latents": latents[:1]}), request({"latents": latents[:1, :, :4, :4]}),
        request({"latents": latents[:1].astype(np.float16)}), request({"latents": latents[0]}),
        request({"latents": np.concatenate([latents[:1]] * 2, axis=1)}), request({})])
    assert [r.has_error() for r in responses] == [False, False, True, True, True, True]
    assert outputs_of(responses[1])["image"].shape == (1, config.out_ch, 4 * scale, 4 * scale)
    assert "latents" in responses[4].error().message()

    check_out_of_memory_recovery(repo, MODEL_NAME, {"latents": latents[:1]})
    repo.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the workspace root
    from triton_model_utils import run_self_test
    run_self_test(MODEL_NAME, self_test)
