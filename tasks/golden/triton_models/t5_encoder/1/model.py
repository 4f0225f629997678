"""t5_encoder: T5 v1.1 XXL encoder -> per-token prompt embeddings (Triton python backend).

Contract (tensor_contract.md): input_ids INT64 [B, L] -> prompt_embeds FP32 [B, L, 4096],
L = max_sequence_length (512 dev, 256 schnell); no attention mask, as FLUX was trained.
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

MODEL_NAME = "t5_encoder"


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
        weights_dir = parameters.get("weights_dir", "")
        variant = parameters.get("variant", "schnell")
        self.max_length = int(parameters.get("max_sequence_length", "0")
                              or fp.config_for(weights_dir, variant).max_sequence_length)
        self.model = fp.load_t5(weights_dir, fp.parse_dtype(parameters.get("dtype", "bfloat16")),
                                self.device)
        self.vocab_size = self.model.config.vocab_size
        self.spec = Spec(torch.int64, (-1,))  # input_ids

    @torch.no_grad()
    def compute(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The compute core: (B, L) ids -> prompt_embeds (B, L, d_model) fp32."""
        return self.model(input_ids=input_ids.to(self.device)).last_hidden_state.float()

    def read_request(self, request) -> torch.Tensor:
        """The request's input_ids, validated; RequestError when anything is wrong."""
        ids = read_input(pb_utils.get_input_tensor_by_name(request, "input_ids"), "input_ids",
                         self.spec, self.device)
        if not 1 <= ids.shape[1] <= self.max_length:
            raise RequestError(f"input 'input_ids': sequence length must be 1..{self.max_length} "
                               f"(max_sequence_length), got {ids.shape[1]}")
        if ids.min() < 0 or ids.max() >= self.vocab_size:
            raise RequestError(f"input 'input_ids': token ids must be in [0, {self.vocab_size})")
        return ids

    def execute(self, requests):
        responses = [None] * len(requests)
        groups = {}  # sequence length -> [(request index, input_ids)]: only equal lengths batch
        for index, request in enumerate(requests):
            try:
                ids = self.read_request(request)
            except RequestError as error:
                responses[index] = error_response(f"{MODEL_NAME}: {error}")
                continue
            groups.setdefault(ids.shape[1], []).append((index, ids))
        for members in groups.values():
            for (index, _), response in zip(members, self.run_batch(members)):
                responses[index] = response
        return responses

    def run_batch(self, members: list) -> list:
        """Concatenate the requests along the batch dim, run once, split back."""
        sizes = [ids.shape[0] for _, ids in members]
        try:
            embeds = self.compute(torch.cat([ids for _, ids in members]))
        except Exception as error:  # OOM or a bug: fail this batch, keep serving
            return [error_response(failure_message(error, sum(sizes))) for _ in members]
        # An output computed on a GPU stays there for the caller (DLPack, no copy).
        return [pb_utils.InferenceResponse([
            pb_utils.Tensor.from_dlpack("prompt_embeds", dlpack(part)) if part.is_cuda
            else pb_utils.Tensor("prompt_embeds", part.contiguous().numpy())])
            for part in torch.split(embeds, sizes)]

    def finalize(self):
        self.model = None


# --- self-test: `python model.py` ----------------------------------------------------------

def self_test() -> None:
    here = Path(__file__).resolve()
    sys.path.insert(0, str(here.parents[3] / "testing"))
    from triton_harness import Repository, outputs_of, tiny_parameters

    repo = Repository(here.parents[2], tiny_parameters("dev"), models=[MODEL_NAME])
    model = repo.models[MODEL_NAME].instance
    length = model.max_length
    ids = np.random.default_rng(0).integers(0, 200, size=(3, length)).astype(np.int64)

    def request(inputs):
        return repo.request(MODEL_NAME, inputs)

    single = [outputs_of(r)["prompt_embeds"] for r in repo.execute(
        MODEL_NAME, [request({"input_ids": ids[i:i + 1]}) for i in range(3)])]
    assert single[0].shape == (1, length, model.model.config.d_model)
    batched = outputs_of(repo.execute(MODEL_NAME, [request({"input_ids": ids})])[0])
    np.testing.assert_allclose(batched["prompt_embeds"], np.concatenate(single), atol=1e-5)

    # Different lengths in one call run as separate batches; bad requests fail alone.
    mixed = repo.execute(MODEL_NAME, [
        request({"input_ids": ids[:1]}), request({"input_ids": ids[1:2, :5]}),
        request({"input_ids": ids[:1].astype(np.float32)}), request({}),
        request({"input_ids": np.zeros((1, length + 1), np.int64)})])
    assert [r.has_error() for r in mixed] == [False, False, True, True, True]
    assert outputs_of(mixed[1])["prompt_embeds"].shape == (1, 5, model.model.config.d_model)
    np.testing.assert_allclose(outputs_of(mixed[0])["prompt_embeds"], single[0], atol=1e-5)

    def out_of_memory(*_args, **_kwargs):
        raise RuntimeError("CUDA error: out of memory (simulated)")
    real_model, model.model = model.model, out_of_memory
    response = repo.execute(MODEL_NAME, [request({"input_ids": ids[:1]})])[0]
    assert response.has_error() and "out of memory" in response.error().message()
    model.model = real_model
    assert not repo.execute(MODEL_NAME, [request({"input_ids": ids[:1]})])[0].has_error()
    repo.close()


if __name__ == "__main__":
    try:
        self_test()
    except Exception as error:  # any failure -> non-zero exit for CI
        print(f"{MODEL_NAME} self-test FAILED: {type(error).__name__}: {error}")
        raise SystemExit(1)
    print(f"{MODEL_NAME} self-test passed")
