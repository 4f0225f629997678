"""clip_encoder: CLIP text model -> pooled prompt embedding (Triton python backend).

Contract (tensor_contract.md): input_ids INT64 [B, 77] -> pooled_embeds FP32 [B, 768].
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

MODEL_NAME = "clip_encoder"


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
        self.model = fp.load_clip(parameters.get("weights_dir", ""),
                                  fp.parse_dtype(parameters.get("dtype", "bfloat16")), self.device)
        self.vocab_size = self.model.config.vocab_size
        self.spec = Spec(torch.int64, (fp.CLIP_MAX_LENGTH,))  # input_ids

    @torch.no_grad()
    def compute(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The compute core: (B, 77) ids -> pooled_embeds (B, hidden) fp32."""
        return self.model(input_ids=input_ids.to(self.device)).pooler_output.float()

    def read_request(self, request) -> torch.Tensor:
        """The request's input_ids, validated; RequestError when anything is wrong."""
        ids = read_input(pb_utils.get_input_tensor_by_name(request, "input_ids"), "input_ids",
                         self.spec, self.device)
        vocab = self.vocab_size
        if ids.min() < 0 or ids.max() >= vocab:
            raise RequestError(f"input 'input_ids': token ids must be in [0, {vocab})")
        return ids

    def execute(self, requests):
        responses = [None] * len(requests)
        valid = []  # (request index, input_ids)
        for index, request in enumerate(requests):
            try:
                valid.append((index, self.read_request(request)))
            except RequestError as error:
                responses[index] = error_response(f"{MODEL_NAME}: {error}")
        if valid:  # every valid request has the same shape here, so one batch
            for index, response in zip([i for i, _ in valid], self.run_batch(valid)):
                responses[index] = response
        return responses

    def run_batch(self, members: list) -> list:
        """Concatenate the requests along the batch dim, run once, split back."""
        sizes = [ids.shape[0] for _, ids in members]
        try:
            pooled = self.compute(torch.cat([ids for _, ids in members]))
        except Exception as error:  # OOM or a bug: fail this batch, keep serving
            return [error_response(failure_message(error, sum(sizes))) for _ in members]
        # An output computed on a GPU stays there for the caller (DLPack, no copy).
        return [pb_utils.InferenceResponse([
            pb_utils.Tensor.from_dlpack("pooled_embeds", dlpack(part)) if part.is_cuda
            else pb_utils.Tensor("pooled_embeds", part.contiguous().numpy())])
            for part in torch.split(pooled, sizes)]

    def finalize(self):
        self.model = None


# --- self-test: `python model.py` ----------------------------------------------------------

def self_test() -> None:
    here = Path(__file__).resolve()
    sys.path.insert(0, str(here.parents[3] / "testing"))
    from triton_harness import Repository, outputs_of, tiny_parameters

    repo = Repository(here.parents[2], tiny_parameters("schnell"), models=[MODEL_NAME])
    model = repo.models[MODEL_NAME].instance
    rng = np.random.default_rng(0)
    ids = rng.integers(0, 200, size=(3, 77)).astype(np.int64)

    single = [outputs_of(r)["pooled_embeds"] for r in repo.execute(
        MODEL_NAME, [repo.request(MODEL_NAME, {"input_ids": ids[i:i + 1]}) for i in range(3)])]
    assert single[0].shape == (1, model.model.config.hidden_size) and single[0].dtype == np.float32
    batched = outputs_of(repo.execute(MODEL_NAME, [repo.request(MODEL_NAME, {"input_ids": ids})])[0])
    np.testing.assert_allclose(batched["pooled_embeds"], np.concatenate(single), atol=1e-5)

    bad = [repo.request(MODEL_NAME, {"input_ids": ids[:1].astype(np.int32)}),
           repo.request(MODEL_NAME, {"input_ids": ids[:1, :10]}),
           repo.request(MODEL_NAME, {}),
           repo.request(MODEL_NAME, {"input_ids": ids[1:2]})]
    responses = repo.execute(MODEL_NAME, bad)
    assert [r.has_error() for r in responses] == [True, True, True, False]
    assert "input_ids" in responses[0].error().message()
    np.testing.assert_allclose(outputs_of(responses[3])["pooled_embeds"], single[1], atol=1e-5)

    def out_of_memory(*_args, **_kwargs):
        raise torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")
    real_model, model.model = model.model, out_of_memory
    responses = repo.execute(MODEL_NAME, [repo.request(MODEL_NAME, {"input_ids": ids[:1]})])
    assert responses[0].has_error() and "out of memory" in responses[0].error().message()
    model.model = real_model
    assert not repo.execute(MODEL_NAME, [repo.request(MODEL_NAME, {"input_ids": ids[:1]})])[0].has_error()
    repo.close()


if __name__ == "__main__":
    try:
        self_test()
    except Exception as error:  # any failure -> non-zero exit for CI
        print(f"{MODEL_NAME} self-test FAILED: {type(error).__name__}: {error}")
        raise SystemExit(1)
    print(f"{MODEL_NAME} self-test passed")
