"""dit_transformer: the FLUX.1 transformer, one velocity prediction per call (python backend).

Contract (tensor_contract.md), all FP32: hidden_states [B, L, 64], encoder_hidden_states
[B, T, 4096], pooled_projections [B, 768], timestep [B, 1] (sigma in [0, 1]), img_ids
[B, L, 3], txt_ids [B, T, 3], guidance [B, 1] (optional; required by dev, ignored by
schnell) -> noise_pred [B, L, 64]. Computes in the `dtype` parameter (bf16 on GPU).
The network comes from flux_pipeline.py (the project's single implementation), found via
the `flux_pipeline_dir` parameter or beside the model repository.

`python model.py` runs a self-test on tiny random weights on CPU, without Triton.
"""

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

try:
    import triton_python_backend_utils as pb_utils
except ImportError:  # outside Triton: only the self-test runs, with the workspace stand-in
    pb_utils = None

MODEL_NAME = "dit_transformer"


# --- shared plumbing (each model file carries its own copy so it reads on its own) -------

def import_flux_pipeline(parameters: dict):
    """Import flux_pipeline.py from `flux_pipeline_dir`, the repository, or its parent."""
    here = Path(__file__).resolve()
    candidates = [parameters.get("flux_pipeline_dir", "")] + [str(p) for p in here.parents[2:4]]
    for directory in filter(None, candidates):
        if (Path(directory) / "flux_pipeline.py").is_file():
            sys.path.insert(0, directory)
            import flux_pipeline
            return flux_pipeline
    raise ImportError(f"{MODEL_NAME}: flux_pipeline.py not found in {candidates}; copy it into "
                      f"the model repository or set the parameter 'flux_pipeline_dir'")


class RequestError(ValueError):
    """Something wrong with one request; it becomes that request's TritonError."""


@dataclass(frozen=True)
class Spec:
    dtype: torch.dtype
    dims: tuple  # without the batch dim; -1 = any size

    def check(self, name: str, tensor) -> None:
        expected = f"{str(self.dtype).replace('torch.', '')} [B, {', '.join(map(str, self.dims))}]"
        if tensor is None:
            raise RequestError(f"missing input '{name}' (expected {expected})")
        ok_shape = tensor.dim() == len(self.dims) + 1 and tensor.shape[0] >= 1 and all(
            d == -1 or d == s for d, s in zip(self.dims, tensor.shape[1:]))
        if tensor.dtype != self.dtype or not ok_shape:
            got = f"{str(tensor.dtype).replace('torch.', '')} {list(tensor.shape)}"
            raise RequestError(f"input '{name}': expected {expected}, got {got}")


# Tensor names stay string literals at the pb_utils call sites, so `flux-triton check` can
# prove each one against config.pbtxt: the caller fetches `get_input_tensor_by_name(request,
# "name")` and passes the result here, and builds `pb_utils.Tensor("name", ...)` itself.

def read_input(tensor, name: str, spec: Spec, device: str) -> torch.Tensor:
    """Input `name` (None when absent) as a torch tensor on `device` (DLPack when it is
    already on a GPU), checked against `spec`: RequestError when missing or wrong."""
    if tensor is not None:
        if tensor.is_cpu():
            tensor = torch.from_numpy(np.array(tensor.as_numpy())).to(device)
        else:
            tensor = torch.from_dlpack(tensor.to_dlpack()).to(device)
    spec.check(name, tensor)
    return tensor


def dlpack(tensor: torch.Tensor):
    """A DLPack capsule for pb_utils.Tensor.from_dlpack (Triton needs C-contiguous memory)."""
    return torch.utils.dlpack.to_dlpack(tensor.contiguous())


def error_response(message: str):
    return pb_utils.InferenceResponse(output_tensors=[], error=pb_utils.TritonError(message))


def is_out_of_memory(error: BaseException) -> bool:
    return isinstance(error, torch.cuda.OutOfMemoryError) or "out of memory" in str(error)


def failure_message(error: BaseException, batch: int) -> str:
    if is_out_of_memory(error):
        if torch.cuda.is_available():
            torch.cuda.empty_cache()  # free what the failed batch held; keep serving
        return (f"{MODEL_NAME}: GPU out of memory on a batch of {batch}; "
                f"retry with fewer or smaller requests")
    return f"{MODEL_NAME}: {type(error).__name__}: {error}"


# --- the model ---------------------------------------------------------------------------

class TritonPythonModel:
    def initialize(self, args):
        config = json.loads(args["model_config"])
        parameters = {k: v["string_value"] for k, v in config.get("parameters", {}).items()}
        gpu = args.get("model_instance_kind") == "GPU" and torch.cuda.is_available()
        self.device = f"cuda:{args.get('model_instance_device_id', '0')}" if gpu else "cpu"
        fp = import_flux_pipeline(parameters)
        self.dtype = fp.parse_dtype(parameters.get("dtype", "bfloat16"))
        self.model = fp.load_transformer(parameters.get("weights_dir", ""),
                                         parameters.get("variant", "schnell"), self.dtype,
                                         self.device)
        c = self.model.config
        self.needs_guidance = c.guidance_embed
        f32 = torch.float32
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
        inputs = {name: read_input(tensor, name, self.specs[name], self.device)
                  for name, tensor in fetched.items()}
        batch = {name: t.shape[0] for name, t in inputs.items()}
        if len(set(batch.values())) != 1:
            raise RequestError(f"inputs disagree on the batch size: {batch}")
        for ids, tokens in (("img_ids", "hidden_states"), ("txt_ids", "encoder_hidden_states")):
            if inputs[ids].shape[1] != inputs[tokens].shape[1]:
                raise RequestError(f"input '{ids}' has {inputs[ids].shape[1]} rows but "
                                   f"'{tokens}' has {inputs[tokens].shape[1]} tokens")
        for name, tensor in inputs.items():
            if not torch.isfinite(tensor).all():
                raise RequestError(f"input '{name}' contains NaN or infinity")
        return inputs

    def execute(self, requests):
        responses = [None] * len(requests)
        groups = {}  # (image tokens, text tokens) -> [(request index, inputs)]
        for index, request in enumerate(requests):
            try:
                inputs = self.read_request(request)
            except RequestError as error:
                responses[index] = error_response(f"{MODEL_NAME}: {error}")
                continue
            key = (inputs["hidden_states"].shape[1], inputs["encoder_hidden_states"].shape[1])
            groups.setdefault(key, []).append((index, inputs))
        for members in groups.values():
            for (index, _), response in zip(members, self.run_batch(members)):
                responses[index] = response
        return responses

    def run_batch(self, members: list) -> list:
        """Concatenate the requests along the batch dim, run once, split back."""
        sizes = [inputs["hidden_states"].shape[0] for _, inputs in members]
        batch = {name: torch.cat([inputs[name] for _, inputs in members]) for name in self.specs}
        try:
            noise_pred = self.compute(**batch)
        except Exception as error:  # OOM or a bug: fail this batch, keep serving
            return [error_response(failure_message(error, sum(sizes))) for _ in members]
        # An output computed on a GPU stays there for the caller (DLPack, no copy).
        return [pb_utils.InferenceResponse([
            pb_utils.Tensor.from_dlpack("noise_pred", dlpack(part)) if part.is_cuda
            else pb_utils.Tensor("noise_pred", part.contiguous().numpy())])
            for part in torch.split(noise_pred, sizes)]

    def finalize(self):
        self.model = None


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

        def out_of_memory(*_args, **_kwargs):
            raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
        real_model, model.model = model.model, out_of_memory
        response = repo.execute(MODEL_NAME, [request(rows[0])])[0]
        assert response.has_error() and "out of memory" in response.error().message()
        model.model = real_model
        assert not repo.execute(MODEL_NAME, [request(rows[0])])[0].has_error()
        repo.close()


if __name__ == "__main__":
    try:
        self_test()
    except Exception as error:  # any failure -> non-zero exit for CI
        print(f"{MODEL_NAME} self-test FAILED: {type(error).__name__}: {error}")
        raise SystemExit(1)
    print(f"{MODEL_NAME} self-test passed")
