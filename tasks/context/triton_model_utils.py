"""triton_model_utils.py: the Triton python-backend handling the five FLUX.1 models share.

Each `triton_models/<model>/1/model.py` imports this module from the directory that holds
`flux_pipeline.py` (the `flux_pipeline_dir` parameter, else the model repository or its
parent), so both modules always come from the same place. It provides:

- `parse_args(args)`: the model config, its string parameters and the instance's device;
- `RequestError`, `Spec`, `read_input(tensor, name, spec, device)`: per-request validation
  of one input tensor (dtype and rank, batch dim first; DLPack when it is on a GPU);
- `execute_batched(...)`: the whole `execute` of a model whose requests concatenate along
  the batch dim: validate each request, group by shape, one `compute` per group, split back;
- `error_response`, `failure_message`, `release_if_out_of_memory`: per-request errors and
  recovery from a GPU out-of-memory error (the CUDA cache is emptied, the model keeps serving);
- `dlpack(tensor)`: the capsule for `pb_utils.Tensor.from_dlpack`;
- `Speedups`, `speedups_from(parameters, device)`, `apply_speedups(...)`: the opt-in
  `compile` / `compile_cache_dir` / `channels_last` / `warmup` parameters (off by default);
- `run_self_test`, `check_out_of_memory_recovery`: for the self-tests (`python model.py`).

Tensor names stay string literals at the pb_utils call sites in each model.py, so that
`flux-triton check` can prove each one against config.pbtxt: model.py calls
`pb_utils.get_input_tensor_by_name(request, "name")` and hands the result to `read_input`,
and builds `pb_utils.Tensor("name", ...)` itself (in its `respond`). Nothing here reads or
creates a tensor by name.

Stdlib, numpy and torch only; `triton_python_backend_utils` (Triton's, or the stand-in in
`testing/`) is imported when an error response is built.
"""

import json
from dataclasses import dataclass

import numpy as np
import torch

# --- initialize ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ModelArgs:
    """What `initialize(args)` needs from Triton's `args` (whose values are all strings)."""
    config: dict       # the model config (`args["model_config"]`, parsed)
    parameters: dict   # its `parameters`: key -> string_value
    gpu: bool          # a GPU instance, and CUDA is available
    device_id: int     # `model_instance_device_id`
    device: str        # "cuda:<device_id>" on a GPU instance, else "cpu"


def parse_args(args: dict) -> ModelArgs:
    config = json.loads(args["model_config"])
    parameters = {k: v["string_value"] for k, v in config.get("parameters", {}).items()}
    gpu = args.get("model_instance_kind") == "GPU" and torch.cuda.is_available()
    device_id = int(args.get("model_instance_device_id", "0"))
    return ModelArgs(config, parameters, gpu, device_id, f"cuda:{device_id}" if gpu else "cpu")


# --- reading requests ---------------------------------------------------------------------

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


def read_input(tensor, name: str, spec: Spec, device: str, finite: bool = False) -> torch.Tensor:
    """The input `tensor` that model.py fetched with `pb_utils.get_input_tensor_by_name(request,
    "<name>")` (None when absent), as a torch tensor on `device` (DLPack when it is already on
    a GPU), checked against `spec`: RequestError naming `name` when missing or wrong.

    `finite=True` also refuses NaN or infinity in an input that arrived in host memory (from
    a client). One in device memory comes from the BLS and is not checked here: the check
    would wait for the GPU on every call (a host sync per denoising step, which stops the CPU
    from queueing the next step's kernels); the BLS checks the final latents once instead."""
    if tensor is not None:
        if tensor.is_cpu():
            tensor = torch.from_numpy(np.array(tensor.as_numpy()))
            spec.check(name, tensor)
            if finite and tensor.is_floating_point() and not torch.isfinite(tensor).all():
                raise RequestError(f"input '{name}' contains NaN or infinity")
            return tensor.to(device)
        tensor = torch.from_dlpack(tensor.to_dlpack()).to(device)
    spec.check(name, tensor)
    return tensor


# --- opt-in speed-ups (issue 10) -----------------------------------------------------------

COMPILE_MODES = ("off", "default", "max-autotune", "reduce-overhead")


@dataclass(frozen=True)
class Speedups:
    """The opt-in parameters of a model's config.pbtxt; all off by default, since each one
    changes the order of floating-point operations (images within about a level, not bits).

    compile            off | default | max-autotune | reduce-overhead (the latter adds CUDA
                       graphs): torch.compile of the network, on a GPU instance only
    compile_cache_dir  where the compiled kernels persist across restarts (Inductor's FX
                       graph cache); empty = torch's default under /tmp
    channels_last      "true": convolutions in NHWC (the VAE decoder)
    warmup             e.g. "1024x1024x1,512x512x4" (height x width x batch): run these at
                       load, so that no request pays for compiling
    """
    compile: str = "off"
    compile_cache_dir: str = ""
    channels_last: bool = False
    warmup: tuple = ()  # ((height, width, batch), ...)


def speedups_from(model_name: str, parameters: dict, gpu: bool) -> Speedups:
    """Speedups from the string parameters; ValueError naming the parameter when one is bad.
    compile is ignored on a CPU instance (Inductor's CPU path is not what is served)."""
    mode = parameters.get("compile", "off").strip() or "off"
    if mode not in COMPILE_MODES:
        raise ValueError(f"{model_name}: parameter 'compile' must be one of "
                         f"{', '.join(COMPILE_MODES)}; got {mode!r}")
    flag = parameters.get("channels_last", "false").strip().lower()
    if flag not in ("true", "false", ""):
        raise ValueError(f"{model_name}: parameter 'channels_last' must be 'true' or 'false', "
                         f"got {flag!r}")
    sizes = []
    for item in filter(None, (p.strip() for p in parameters.get("warmup", "").split(","))):
        try:
            height, width, batch = (int(v) for v in item.lower().split("x"))
        except ValueError:
            raise ValueError(f"{model_name}: parameter 'warmup' takes HEIGHTxWIDTHxBATCH items "
                             f"separated by commas, e.g. '1024x1024x1'; got {item!r}") from None
        if min(height, width, batch) < 1:
            raise ValueError(f"{model_name}: parameter 'warmup': sizes must be positive, "
                             f"got {item!r}")
        sizes.append((height, width, batch))
    return Speedups(mode if gpu else "off", parameters.get("compile_cache_dir", "").strip(),
                    flag == "true", tuple(sizes))


def apply_speedups(network: torch.nn.Module, speedups: Speedups):
    """The network to serve: channels-last and/or compiled as `speedups` asks."""
    if speedups.channels_last:
        network = network.to(memory_format=torch.channels_last)
    if speedups.compile == "off":
        return network
    if speedups.compile_cache_dir:
        import os
        os.environ.setdefault("TORCHINDUCTOR_CACHE_DIR", speedups.compile_cache_dir)
    import torch._inductor.config as inductor
    inductor.fx_graph_cache = True  # compiled kernels survive a restart (keyed by shapes)
    return torch.compile(network, mode=speedups.compile, dynamic=False)


# --- responses and failures ---------------------------------------------------------------

def dlpack(tensor: torch.Tensor):
    """A DLPack capsule for pb_utils.Tensor.from_dlpack (Triton needs C-contiguous memory)."""
    return torch.utils.dlpack.to_dlpack(tensor.contiguous())


def error_response(message: str):
    import triton_python_backend_utils as pb_utils  # Triton's, or the stand-in in testing/
    return pb_utils.InferenceResponse(output_tensors=[], error=pb_utils.TritonError(message))


def release_if_out_of_memory(error: BaseException) -> bool:
    """True for a GPU out-of-memory error, after emptying the CUDA cache to free what the
    failed batch held, so the model keeps serving."""
    out_of_memory = isinstance(error, torch.cuda.OutOfMemoryError) or "out of memory" in str(error)
    if out_of_memory and torch.cuda.is_available():
        torch.cuda.empty_cache()
    return out_of_memory


def failure_message(model_name: str, error: BaseException, batch: int) -> str:
    """The error message for every request of a batch whose compute raised `error`."""
    if release_if_out_of_memory(error):
        return (f"{model_name}: GPU out of memory on a batch of {batch}; "
                f"retry with fewer or smaller requests")
    return f"{model_name}: {type(error).__name__}: {error}"


# --- execute ------------------------------------------------------------------------------

def execute_batched(model_name: str, requests: list, read, group_key, compute, respond) -> list:
    """`execute` for a model whose requests concatenate along the batch dim.

    `read(request)` returns one request's validated inputs, a tensor or a dict of tensors
    with equal batch sizes, or raises RequestError, which becomes that request's error
    response. Valid requests with equal `group_key(inputs)` are concatenated and run through
    `compute` once (a dict goes in as keyword arguments); `respond(part)` turns each request's
    slice of the output into its InferenceResponse. An exception from `compute` (GPU out of
    memory, or a bug) fails that group's requests only. One response per request, in order.
    """
    responses = [None] * len(requests)
    groups = {}  # group key -> [(request index, inputs)]
    for index, request in enumerate(requests):
        try:
            inputs = read(request)
        except RequestError as error:
            responses[index] = error_response(f"{model_name}: {error}")
            continue
        groups.setdefault(group_key(inputs), []).append((index, inputs))
    for members in groups.values():
        for (index, _), response in zip(members, run_batch(model_name, members, compute, respond)):
            responses[index] = response
    return responses


def run_batch(model_name: str, members: list, compute, respond) -> list:
    """Concatenate the members' inputs along the batch dim, run once, split back."""
    inputs = [value for _, value in members]
    sizes = [(next(iter(x.values())) if isinstance(x, dict) else x).shape[0] for x in inputs]
    try:
        if isinstance(inputs[0], dict):
            output = compute(**{name: torch.cat([x[name] for x in inputs]) for name in inputs[0]})
        else:
            output = compute(torch.cat(inputs))
    except Exception as error:  # OOM or a bug: fail this batch, keep serving
        return [error_response(failure_message(model_name, error, sum(sizes))) for _ in members]
    return [respond(part) for part in torch.split(output, sizes)]


# --- self-tests ---------------------------------------------------------------------------

def run_self_test(model_name: str, self_test) -> None:
    """`python model.py`: run `self_test`, print the verdict; any failure exits non-zero (CI)."""
    try:
        self_test()
    except Exception as error:
        print(f"{model_name} self-test FAILED: {type(error).__name__}: {error}")
        raise SystemExit(1)
    print(f"{model_name} self-test passed")


def check_out_of_memory_recovery(repo, model_name: str, inputs: dict, error=None) -> None:
    """Self-test step on a harness `Repository`: with the loaded network (`instance.model`)
    swapped for a function raising `error` (default: a simulated CUDA out-of-memory error),
    a request with `inputs` gets an error response naming the OOM; once the network is
    restored, the model serves the same request again."""
    model = repo.models[model_name].instance

    def out_of_memory(*_args, **_kwargs):
        raise error or torch.cuda.OutOfMemoryError("CUDA out of memory (simulated)")

    real_model, model.model = model.model, out_of_memory
    try:
        response = repo.execute(model_name, [repo.request(model_name, inputs)])[0]
    finally:
        model.model = real_model
    assert response.has_error() and "out of memory" in response.error().message()
    assert not repo.execute(model_name, [repo.request(model_name, inputs)])[0].has_error()
