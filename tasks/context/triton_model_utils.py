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
  `compile` / `compile_scope` / `compile_cache_dir` / `channels_last` / `fp8` / `attention` /
  `warmup` parameters (off by default);
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

COMPILE_MODES = ("off", "default", "max-autotune-no-cudagraphs", "max-autotune", "reduce-overhead")
CUDA_GRAPH_MODES = ("max-autotune", "reduce-overhead")  # torch.compile modes that record CUDA graphs
COMPILE_SCOPES = ("blocks", "whole")
FP8_MODES = ("off", "e4m3")
ATTENTION_BACKENDS = ("default", "flash", "efficient", "cudnn", "math")


@dataclass(frozen=True)
class Speedups:
    """The opt-in parameters of a model's config.pbtxt; all off by default, since each one
    changes the order of floating-point operations (images within about a level, not bits).

    compile            off | default | max-autotune-no-cudagraphs | max-autotune |
                       reduce-overhead (the last two add CUDA graphs): torch.compile of the
                       network, on a GPU instance only
    compile_scope      blocks (default) | whole: "blocks" compiles each block of a network
                       built from repeated blocks (the transformer's 19 + 38) once per class
                       and shape (on an H200: under a minute for all four models, where
                       the transformer as one graph took about 100 s); "whole" compiles
                       the network as one graph
    compile_cache_dir  where the compiled kernels persist across restarts (Inductor's FX
                       graph cache); empty = torch's default under /tmp
    channels_last      "true": convolutions in NHWC (the VAE decoder)
    fp8                off | e4m3: the transformer blocks' large matmuls in FP8 (e4m3, a scale
                       per weight row and per activation row, torch._scaled_mm); needs a GPU
                       of compute capability 8.9+ (Ada, Hopper) or a CPU build of torch
                       with float8 matmul; changes numerics more than the others
    attention          default | flash | efficient | cudnn | math: the scaled-dot-product
                       attention kernel torch may pick (default: torch's own choice)
    warmup             e.g. "1024x1024x1,512x512x4" (height x width x batch): run these at
                       load, so that no request pays for compiling
    """
    compile: str = "off"
    compile_cache_dir: str = ""
    channels_last: bool = False
    warmup: tuple = ()  # ((height, width, batch), ...)
    compile_scope: str = "blocks"
    fp8: str = "off"
    attention: str = "default"


def _choice(model_name: str, parameters: dict, key: str, choices: tuple) -> str:
    value = parameters.get(key, choices[0]).strip() or choices[0]
    if value not in choices:
        raise ValueError(f"{model_name}: parameter '{key}' must be one of "
                         f"{', '.join(choices)}; got {value!r}")
    return value


# Which model takes which parameter beyond compile / compile_cache_dir / warmup.
SPEEDUP_OPTIONS = {"dit_transformer": ("compile_scope", "fp8", "attention"),
                   "vae_decoder": ("channels_last",)}


def speedups_from(model_name: str, parameters: dict, gpu: bool) -> Speedups:
    """Speedups from the string parameters; ValueError naming the parameter when one is bad
    or is set on a model it does not apply to. compile is ignored on a CPU instance
    (Inductor's CPU path is not what is served)."""
    for key in ("compile_scope", "fp8", "attention", "channels_last"):
        value = parameters.get(key, "").strip().lower()
        default = str(getattr(Speedups(), key)).lower()  # False -> "false"
        if value not in ("", default) and key not in SPEEDUP_OPTIONS.get(model_name, ()):
            takers = [m for m, keys in SPEEDUP_OPTIONS.items() if key in keys]
            raise ValueError(f"{model_name}: parameter '{key}' applies to {' and '.join(takers)} "
                             f"only; remove it or set it to its default")
    mode = _choice(model_name, parameters, "compile", COMPILE_MODES)
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
    scope = _choice(model_name, parameters, "compile_scope", COMPILE_SCOPES)
    if "compile_scope" in SPEEDUP_OPTIONS.get(model_name, ()):
        check_compile_scope(model_name, mode, scope)
    return Speedups(mode if gpu else "off", parameters.get("compile_cache_dir", "").strip(),
                    flag == "true", tuple(sizes), compile_scope=scope,
                    fp8=_choice(model_name, parameters, "fp8", FP8_MODES),
                    attention=_choice(model_name, parameters, "attention", ATTENTION_BACKENDS))


def check_compile_scope(model_name: str, mode: str, scope: str) -> None:
    """ValueError for a CUDA-graph compile mode with the per-block scope: every block of a
    class replays one graph, whose output buffers the next block's replay overwrites while
    the residual stream still holds them (measured on an H200: the request fails)."""
    if scope == "blocks" and mode in CUDA_GRAPH_MODES:
        raise ValueError(f"{model_name}: parameter 'compile' {mode!r} records CUDA graphs, which "
                         f"a per-block compile cannot replay (each block would overwrite the "
                         f"previous block's output); set 'compile_scope' to 'whole', or "
                         f"'compile' to 'default' or 'max-autotune-no-cudagraphs'")


def apply_speedups(network: torch.nn.Module, speedups: Speedups, model_name: str = "model"):
    """The network to serve: FP8 matmuls, channels-last and/or compiled as `speedups` asks."""
    has_blocks = bool(repeated_blocks(network))
    for key, off in (("fp8", "off"), ("attention", "default")):
        if getattr(speedups, key) != off and not has_blocks:
            raise ValueError(f"{model_name}: parameter '{key}' applies to a transformer's "
                             f"blocks; this network has none")
    if speedups.fp8 != "off":
        check_fp8_supported(model_name, next(network.parameters()).device)
        network = to_fp8_linears(network)
    if speedups.attention != "default":
        wrap_blocks(network, lambda block: AttentionBackendBlock(block, speedups.attention))
    if speedups.channels_last:
        network = network.to(memory_format=torch.channels_last)
    if speedups.compile == "off":
        return network
    if speedups.compile_cache_dir:
        # Set, not defaulted: torch writes its default into this variable the first time it
        # looks, and an image may preset it; the parameter is the operator's explicit choice.
        import os
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = os.path.abspath(speedups.compile_cache_dir)
    import torch._inductor.config as inductor
    inductor.fx_graph_cache = True  # compiled kernels survive a restart (keyed by shapes)
    if speedups.compile_scope == "whole" or not has_blocks:
        return torch.compile(network, mode=speedups.compile, dynamic=False)
    check_compile_scope(model_name, speedups.compile, speedups.compile_scope)
    # One compiled graph per block class and shape, reused by every block of that class
    # (parameters are graph inputs); the few layers around the blocks stay eager. The
    # blocks themselves are wrapped, not changed, so a caller's other copy stays eager.
    import torch._dynamo.config as dynamo
    dynamo.cache_size_limit = max(dynamo.cache_size_limit, 64)  # one entry per served shape
    wrap_blocks(network, lambda block: torch.compile(block, mode=speedups.compile, dynamic=False))
    return network


# The transformer's lists of identical blocks (FluxTransformer); other networks have none.
REPEATED_BLOCKS = ("double_blocks", "single_blocks")


def repeated_blocks(network: torch.nn.Module) -> list:
    """The transformer's blocks (each list holds blocks of one class and width); [] for a
    network without them (the VAE, the text encoders)."""
    return [block for name in REPEATED_BLOCKS for block in getattr(network, name, ())]


def wrap_blocks(network: torch.nn.Module, wrap) -> None:
    """Replaces each of the transformer's blocks by `wrap(block)`, in new lists, so a caller
    holding the old lists or the blocks themselves keeps them unchanged."""
    for name in REPEATED_BLOCKS:
        blocks = getattr(network, name, None)
        if blocks:
            setattr(network, name, torch.nn.ModuleList(wrap(block) for block in blocks))


def first_line(error: BaseException) -> str:
    """The first line of an error's message (torch's run to many), else its type's name."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def sdpa_backends(name: str) -> list:
    """The scaled_dot_product_attention backend(s) an `attention` parameter names."""
    from torch.nn.attention import SDPBackend
    return [{"flash": SDPBackend.FLASH_ATTENTION, "efficient": SDPBackend.EFFICIENT_ATTENTION,
             "cudnn": SDPBackend.CUDNN_ATTENTION, "math": SDPBackend.MATH}[name]]


class AttentionBackendBlock(torch.nn.Module):
    """A transformer block whose attention may use one SDPA backend only. The choice sits
    inside the block's forward, so torch.compile traces it into the block's graph (a
    context around a compiled call would not reach a graph already traced)."""

    def __init__(self, block: torch.nn.Module, name: str):
        super().__init__()
        self.block, self.backends = block, sdpa_backends(name)

    def forward(self, *args, **kwargs):
        from torch.nn.attention import sdpa_kernel
        with sdpa_kernel(self.backends):
            return self.block(*args, **kwargs)


def check_attention_backend(model_name: str, name: str, device: str, dtype: torch.dtype,
                            head_dim: int) -> None:
    """ValueError naming the parameter when backend `name` cannot run attention of this
    dtype and head width on `device` (e.g. cudnn or flash on a CPU), so the load fails and
    not every request."""
    if name == "default":
        return
    from torch.nn.attention import sdpa_kernel
    q = torch.zeros(1, 1, 16, head_dim, device=device, dtype=dtype)
    try:
        with sdpa_kernel(sdpa_backends(name)):
            torch.nn.functional.scaled_dot_product_attention(q, q, q)
    except RuntimeError as error:
        raise ValueError(f"{model_name}: parameter 'attention': backend {name!r} cannot run "
                         f"{str(dtype).replace('torch.', '')} attention of head width "
                         f"{head_dim} on {device}: {first_line(error)}") from None


# --- FP8 matmuls (parameter fp8) ----------------------------------------------------------

E4M3_MAX = 448.0  # the largest finite float8_e4m3fn


def check_fp8_supported(model_name: str, device: torch.device) -> None:
    """ValueError naming the parameter when this torch or device has no FP8 matmul: probed
    with one small row-scaled matmul, so an old GPU or a torch without the kernel fails the
    load, not every request."""
    if not hasattr(torch, "float8_e4m3fn") or not hasattr(torch, "_scaled_mm"):
        raise ValueError(f"{model_name}: parameter 'fp8' needs a torch with float8 matmul "
                         f"(torch._scaled_mm); this is torch {torch.__version__}")
    if device.type == "cuda" and torch.cuda.get_device_capability(device) < (8, 9):
        major, minor = torch.cuda.get_device_capability(device)
        raise ValueError(f"{model_name}: parameter 'fp8' needs a GPU of compute capability 8.9 "
                         f"or newer (Ada, Hopper); {torch.cuda.get_device_name(device)} is "
                         f"{major}.{minor}")
    try:
        Float8Linear(torch.nn.Linear(16, 16, device=device))(torch.ones(16, 16, device=device))
    except (RuntimeError, NotImplementedError) as error:
        raise ValueError(f"{model_name}: parameter 'fp8': torch {torch.__version__} cannot run "
                         f"a float8 matmul on {device}: {first_line(error)}") from None


class Float8Linear(torch.nn.Module):
    """nn.Linear whose matmul runs in float8 e4m3: the weight quantized once, one scale per
    output row; the activation quantized per call, one scale per token row (its amax maps to
    448), so one outlier token does not crush the others' precision. Output in the input's
    dtype; the bias is added after, in that dtype."""

    def __init__(self, linear: torch.nn.Linear):
        super().__init__()
        weight = linear.weight.detach().float()
        scale = weight.abs().amax(dim=1, keepdim=True).clamp(min=1e-12) / E4M3_MAX
        self.register_buffer("weight_fp8", (weight / scale).to(torch.float8_e4m3fn))  # (N, K)
        self.register_buffer("weight_scale", scale.t().contiguous())  # (1, N) float32
        self.bias = None if linear.bias is None else torch.nn.Parameter(
            linear.bias.detach(), requires_grad=False)
        self.in_features, self.out_features = linear.in_features, linear.out_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        rows = x.reshape(-1, self.in_features)
        scale = rows.abs().amax(dim=1, keepdim=True).float().clamp(min=1e-12) / E4M3_MAX
        # The clamp guards the cast: float8_e4m3fn has no infinity, out of range becomes NaN.
        quantized = (rows.float() / scale).clamp(-E4M3_MAX, E4M3_MAX).to(torch.float8_e4m3fn)
        # CUDA's row-wise scaled matmul writes bfloat16 only (a float32 model casts back).
        out_dtype = torch.bfloat16 if x.is_cuda else x.dtype
        out = torch._scaled_mm(quantized, self.weight_fp8.t(), scale_a=scale,
                               scale_b=self.weight_scale, out_dtype=out_dtype).to(x.dtype)
        if self.bias is not None:
            out = out + self.bias
        return out.reshape(*x.shape[:-1], self.out_features)


def to_fp8_linears(network: torch.nn.Module) -> torch.nn.Module:
    """`network` with the Linear layers of its repeated blocks replaced by Float8Linear, in
    place. Left in their dtype: the layers outside the blocks (embedders, final layer) and
    each block's modulation (one row per image, so FP8 would save nothing and the gates and
    scales it computes touch every token). FP8 needs both dims multiples of 16."""
    for block in repeated_blocks(network):
        for parent in block.modules():
            if type(parent).__name__ == "Modulation":
                continue
            for name, child in list(parent.named_children()):
                if isinstance(child, torch.nn.Linear) and child.in_features % 16 == 0 \
                        and child.out_features % 16 == 0:
                    setattr(parent, name, Float8Linear(child))
    return network


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
