"""vae_decoder: FLUX.1 autoencoder decoder, latents -> image (Triton python backend).

Contract (tensor_contract.md): latents FP32 [B, 16, h, w], unpacked and as sampled (this
model applies z / 0.3611 + 0.1159 itself) -> image FP32 [B, 3, 8h, 8w] in about [-1, 1].
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

MODEL_NAME = "vae_decoder"


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
        self.model = fp.load_vae_decoder(parameters.get("weights_dir", ""), self.dtype, self.device)
        self.spec = Spec(torch.float32, (self.model.config.z_channels, -1, -1))  # latents

    @torch.no_grad()
    def compute(self, latents: torch.Tensor) -> torch.Tensor:
        """The compute core: (B, C, h, w) latents -> image (B, 3, H, W) fp32."""
        return self.model(latents.to(self.device, self.dtype)).float()

    def read_request(self, request) -> torch.Tensor:
        """The request's latents, validated; RequestError when anything is wrong."""
        latents = read_input(pb_utils.get_input_tensor_by_name(request, "latents"), "latents",
                             self.spec, self.device)
        if not torch.isfinite(latents).all():
            raise RequestError("input 'latents' contains NaN or infinity")
        return latents

    def execute(self, requests):
        responses = [None] * len(requests)
        groups = {}  # latent (h, w) -> [(request index, latents)]: only equal sizes batch
        for index, request in enumerate(requests):
            try:
                latents = self.read_request(request)
            except RequestError as error:
                responses[index] = error_response(f"{MODEL_NAME}: {error}")
                continue
            groups.setdefault(tuple(latents.shape[2:]), []).append((index, latents))
        for members in groups.values():
            for (index, _), response in zip(members, self.run_batch(members)):
                responses[index] = response
        return responses

    def run_batch(self, members: list) -> list:
        """Concatenate the requests along the batch dim, run once, split back."""
        sizes = [latents.shape[0] for _, latents in members]
        try:
            image = self.compute(torch.cat([latents for _, latents in members]))
        except Exception as error:  # OOM or a bug: fail this batch, keep serving
            return [error_response(failure_message(error, sum(sizes))) for _ in members]
        # An output computed on a GPU stays there for the caller (DLPack, no copy).
        return [pb_utils.InferenceResponse([
            pb_utils.Tensor.from_dlpack("image", dlpack(part)) if part.is_cuda
            else pb_utils.Tensor("image", part.contiguous().numpy())])
            for part in torch.split(image, sizes)]

    def finalize(self):
        self.model = None


# --- self-test: `python model.py` ----------------------------------------------------------

def self_test() -> None:
    here = Path(__file__).resolve()
    sys.path.insert(0, str(here.parents[3] / "testing"))
    from triton_harness import Repository, outputs_of, tiny_parameters

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

    def out_of_memory(*_args, **_kwargs):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
    real_model, model.model = model.model, out_of_memory
    response = repo.execute(MODEL_NAME, [request({"latents": latents[:1]})])[0]
    assert response.has_error() and "out of memory" in response.error().message()
    model.model = real_model
    assert not repo.execute(MODEL_NAME, [request({"latents": latents[:1]})])[0].has_error()
    repo.close()


if __name__ == "__main__":
    try:
        self_test()
    except Exception as error:  # any failure -> non-zero exit for CI
        print(f"{MODEL_NAME} self-test FAILED: {type(error).__name__}: {error}")
        raise SystemExit(1)
    print(f"{MODEL_NAME} self-test passed")
