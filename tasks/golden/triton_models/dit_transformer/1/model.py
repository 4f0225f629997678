# /// script
# requires-python = ">=3.10"
# dependencies = ["numpy", "torch", "transformers>=4.44", "safetensors", "tokenizers"]
# ///
# `uv run triton_models/<model>/1/model.py` (or `python model.py`) runs the self-test from the
# workspace root's layout; inside Triton this block is only a comment.
"""dit_transformer: the FLUX.1 transformer, one velocity prediction per call (python backend).

Contract (tensor_contract.md), all FP32: hidden_states [B, L, 64], encoder_hidden_states
[B, T, 4096], pooled_projections [B, 768], timestep [B, 1] (sigma in [0, 1]), img_ids
[B, L, 3], txt_ids [B, T, 3], guidance [B, 1] (optional; required by dev, ignored by
schnell) -> noise_pred [B, L, 64]. Computes in the `dtype` parameter (bf16 on GPU).
`load_transformer` from flux_pipeline.py builds the network (the project's single
implementation); triton_model_utils.py, found in the same directory, reads and checks the
inputs, groups requests by token counts and turns failures into per-request errors.

Its self-test (`python model.py`) runs dev and schnell on tiny random weights, without Triton.
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

MODEL_NAME = "dit_transformer"
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
        weights_dir, variant = parameters.get("weights_dir", ""), parameters.get("variant", "schnell")
        config = fp.config_for(weights_dir, variant)
        # Checked before the weights take minutes to load.
        utils.check_attention_backend(MODEL_NAME, speedups.attention, self.device, self.dtype,
                                      config.transformer.hidden_size // config.transformer.num_heads)
        network = fp.load_transformer(weights_dir, variant, self.dtype, self.device)
        c = network.config
        self.model = utils.apply_speedups(network, speedups, MODEL_NAME)
        self.needs_guidance = c.guidance_embed
        f32, Spec = torch.float32, utils.Spec
        # Widths come from the loaded network, so tiny test weights validate correctly too.
        self.specs = {
            "hidden_states": Spec(f32, (-1, c.in_channels)),
            "encoder_hidden_states": Spec(f32, (-1, c.context_in_dim)),
            "pooled_projections": Spec(f32, (c.vec_in_dim,)),
            "timestep": Spec(f32, (1,)),
            "img_ids": Spec(f32, (-1, 3)),
            "txt_ids": Spec(f32, (-1, 3)),
        }
        if self.needs_guidance:
            self.specs["guidance"] = Spec(f32, (1,))
        for height, width, batch in speedups.warmup:  # compile now, not on a first request
            h, w = fp.latent_size(height, width, config.vae)
            self.compute(**self.example_inputs(batch, (h // 2) * (w // 2),
                                               config.max_sequence_length))

    def example_inputs(self, batch: int, image_tokens: int, text_tokens: int) -> dict:
        """Random inputs of the served shapes (the warm-up)."""
        c, f32 = self.model.config, dict(device=self.device, dtype=torch.float32)
        return {"hidden_states": torch.randn(batch, image_tokens, c.in_channels, **f32),
                "encoder_hidden_states": torch.randn(batch, text_tokens, c.context_in_dim, **f32),
                "pooled_projections": torch.randn(batch, c.vec_in_dim, **f32),
                "timestep": torch.full((batch, 1), 0.5, **f32),
                "img_ids": torch.zeros(batch, image_tokens, 3, **f32),
                "txt_ids": torch.zeros(batch, text_tokens, 3, **f32),
                "guidance": torch.full((batch, 1), 3.5, **f32) if self.needs_guidance else None}

    def finalize(self):
        self.model = None

    @torch.no_grad()
    def compute(self, hidden_states, encoder_hidden_states, pooled_projections, timestep,
                img_ids, txt_ids, guidance=None) -> torch.Tensor:
        """The compute core on batched tensors; returns noise_pred (B, L, C) fp32."""
        d = self.dtype
        velocity = self.model(
            img=hidden_states.to(d), img_ids=img_ids, txt=encoder_hidden_states.to(d),
            txt_ids=txt_ids, timesteps=timestep[:, 0].to(d), y=pooled_projections.to(d),
            guidance=guidance[:, 0].to(d) if guidance is not None else None)
        return velocity.float()

    def read_request(self, request) -> dict:
        """The request's inputs by name, validated; RequestError when anything is wrong."""
        fetched = {
            "hidden_states": pb_utils.get_input_tensor_by_name(request, "hidden_states"),
            "encoder_hidden_states":
                pb_utils.get_input_tensor_by_name(request, "encoder_hidden_states"),
            "pooled_projections": pb_utils.get_input_tensor_by_name(request, "pooled_projections"),
            "timestep": pb_utils.get_input_tensor_by_name(request, "timestep"),
            "img_ids": pb_utils.get_input_tensor_by_name(request, "img_ids"),
            "txt_ids": pb_utils.get_input_tensor_by_name(request, "txt_ids"),
        }
        if self.needs_guidance:  # schnell has no guidance embedding: the input is ignored
            fetched["guidance"] = pb_utils.get_input_tensor_by_name(request, "guidance")
        inputs = {name: utils.read_input(tensor, name, self.specs[name], self.device, finite=True)
                  for name, tensor in fetched.items()}
        batch = {name: t.shape[0] for name, t in inputs.items()}
        if len(set(batch.values())) != 1:
            raise utils.RequestError(f"inputs disagree on the batch size: {batch}")
        for ids, tokens in (("img_ids", "hidden_states"), ("txt_ids", "encoder_hidden_states")):
            if inputs[ids].shape[1] != inputs[tokens].shape[1]:
                raise utils.RequestError(f"input '{ids}' has {inputs[ids].shape[1]} rows but "
                                         f"'{tokens}' has {inputs[tokens].shape[1]} tokens")
        return inputs

    def respond(self, velocity: torch.Tensor):
        """One request's response over DLPack: on a GPU the output stays there for the caller
        (no copy); on a CPU it is the same memory as the computed slice."""
        return pb_utils.InferenceResponse([
            pb_utils.Tensor.from_dlpack("noise_pred", utils.dlpack(velocity))])

    def execute(self, requests):
        # Requests batch together when their (image tokens, text tokens) are equal.
        def tokens(inputs):
            return inputs["hidden_states"].shape[1], inputs["encoder_hidden_states"].shape[1]
        return utils.execute_batched(MODEL_NAME, requests, read=self.read_request,
                                     group_key=tokens, compute=self.compute, respond=self.respond)


# --- self-test: `python model.py` ----------------------------------------------------------

def example_inputs(model, batch: int, image_tokens: int, text_tokens: int, seed: int) -> dict:
    c = model.model.config
    rng = np.random.default_rng(seed)
    side = int(image_tokens ** 0.5)
    img_ids = np.zeros((side, side, 3), np.float32)
    img_ids[..., 1], img_ids[..., 2] = np.arange(side)[:, None], np.arange(side)[None, :]
    return {
        "hidden_states": rng.standard_normal((batch, image_tokens, c.in_channels), np.float32),
        "encoder_hidden_states": rng.standard_normal((batch, text_tokens, c.context_in_dim),
                                                     np.float32),
        "pooled_projections": rng.standard_normal((batch, c.vec_in_dim), np.float32),
        "timestep": np.full((batch, 1), 0.75, np.float32),
        "img_ids": np.broadcast_to(img_ids.reshape(1, -1, 3), (batch, image_tokens, 3)).copy(),
        "txt_ids": np.zeros((batch, text_tokens, 3), np.float32),
        "guidance": np.full((batch, 1), 3.5, np.float32),
    }


def self_test() -> None:
    here = Path(__file__).resolve()
    sys.path.insert(0, str(here.parents[3] / "testing"))
    from triton_harness import Repository, outputs_of, tiny_parameters
    from triton_model_utils import check_out_of_memory_recovery  # at the workspace root

    for variant in ("dev", "schnell"):
        repo = Repository(here.parents[2], tiny_parameters(variant), models=[MODEL_NAME])
        model = repo.models[MODEL_NAME].instance

        def request(inputs):
            return repo.request(MODEL_NAME, inputs)

        x = example_inputs(model, 3, 16, 8, seed=0)
        rows = [{k: v[i:i + 1] for k, v in x.items()} for i in range(3)]
        single = [outputs_of(r)["noise_pred"] for r in repo.execute(MODEL_NAME, [request(r) for r in rows])]
        assert single[0].shape == (1, 16, model.model.config.in_channels)
        batched = outputs_of(repo.execute(MODEL_NAME, [request(x)])[0])["noise_pred"]
        np.testing.assert_allclose(batched, np.concatenate(single), atol=1e-5)

        other_size = example_inputs(model, 1, 4, 8, seed=1)
        no_guidance = {k: v for k, v in rows[0].items() if k != "guidance"}
        wrong_ids = dict(rows[0], img_ids=rows[0]["img_ids"][:, :3])
        responses = repo.execute(MODEL_NAME, [
            request(rows[0]), request(other_size), request(no_guidance), request(wrong_ids),
            request(dict(rows[0], timestep=rows[0]["timestep"].astype(np.float64)))])
        expect_no_guidance_error = variant == "dev"
        assert [r.has_error() for r in responses] == [
            False, False, expect_no_guidance_error, True, True], variant
        np.testing.assert_allclose(outputs_of(responses[0])["noise_pred"], single[0], atol=1e-5)
        assert "img_ids" in responses[3].error().message()

        check_out_of_memory_recovery(repo, MODEL_NAME, rows[0])
        repo.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the workspace root
    from triton_model_utils import run_self_test
    run_self_test(MODEL_NAME, self_test)
