"""In-process stand-in for Triton's `triton_python_backend_utils` (pb_utils).

Inside Triton the C++ stub injects these classes; there is no official package, so tests
put this directory on sys.path and import the model files as Triton would.

Memory behaves as in Triton's python backend (pb_tensor.cc, pb_stub.cc):
- `Tensor(name, numpy_array)` is host memory; `Tensor.from_dlpack(name, capsule)` keeps the
  producer's torch tensor, on its device: `is_cpu()` is False for a CUDA tensor,
  `as_numpy()` on it raises "Tensor is stored in GPU and cannot be converted to NumPy.",
  `to_dlpack()` hands back the same memory (no copy).
- `simulate_device_memory(True)` makes every DLPack tensor behave as a GPU tensor while
  torch keeps it on the CPU, so the DLPack branches of the models run in CPU tests.
- A callee without `FORCE_CPU_ONLY_INPUT_TENSORS: "no"` gets device inputs copied to the
  host, as Triton does; `preferred_memory` on a BLS request moves the outputs.

`InferenceRequest.exec()` dispatches to models loaded by `triton_harness.Repository` and,
like the server, checks the request against the callee's config.pbtxt first: input names,
required inputs, data types, ranks (batch dim + dims), the batch size against
max_batch_size and the requested output names. Fixed dims are not compared: tests run
tiny models whose widths (32) differ from the full-size widths in the configs (4096).
"""

from __future__ import annotations

import numpy as np

TRITONSERVER_MEMORY_CPU = 0
TRITONSERVER_MEMORY_CPU_PINNED = 1
TRITONSERVER_MEMORY_GPU = 2

_TYPE_TO_NUMPY = {
    "TYPE_BOOL": np.bool_, "TYPE_UINT8": np.uint8, "TYPE_UINT16": np.uint16,
    "TYPE_UINT32": np.uint32, "TYPE_UINT64": np.uint64, "TYPE_INT8": np.int8,
    "TYPE_INT16": np.int16, "TYPE_INT32": np.int32, "TYPE_INT64": np.int64,
    "TYPE_FP16": np.float16, "TYPE_FP32": np.float32, "TYPE_FP64": np.float64,
    "TYPE_STRING": np.object_,
}

# Set by triton_harness.Repository: model name -> LoadedModel (has .config, .instance).
_loaded_models: dict = {}
_simulated_device_memory = False


def simulate_device_memory(enabled: bool) -> None:
    """Treat every DLPack tensor as GPU memory (is_cpu() False, as_numpy() refused), even
    when torch holds it on the CPU: CPU tests then take the models' GPU code paths."""
    global _simulated_device_memory
    _simulated_device_memory = bool(enabled)


def triton_string_to_numpy(triton_type: str):
    return _TYPE_TO_NUMPY[triton_type]


class TritonError:
    def __init__(self, message: str):
        self._message = str(message)

    def message(self) -> str:
        return self._message

    def __repr__(self) -> str:
        return f"TritonError({self._message!r})"


class TritonModelException(Exception):
    pass


class PreferredMemory:
    def __init__(self, preferred_memory_type: int = TRITONSERVER_MEMORY_CPU,
                 preferred_device_id: int = 0):
        self.preferred_memory_type = preferred_memory_type
        self.preferred_device_id = preferred_device_id


class Tensor:
    """Host memory (a numpy array) or DLPack memory (the producer's torch tensor)."""

    def __init__(self, name: str, array: np.ndarray):
        if not isinstance(array, np.ndarray):
            raise TritonModelException(f"Tensor '{name}' needs a numpy array, got {type(array)}")
        self._name = name
        self._array = array
        self._torch = None  # set instead of _array by from_dlpack
        self._device_memory = False

    @staticmethod
    def from_dlpack(name: str, capsule) -> "Tensor":
        import torch
        tensor = torch.from_dlpack(capsule)
        if not tensor.is_contiguous():  # Triton refuses non C-contiguous DLPack tensors
            raise TritonModelException(f"Tensor '{name}' from DLPack must be C-contiguous")
        result = Tensor.__new__(Tensor)
        result._name, result._array, result._torch = name, None, tensor
        result._device_memory = tensor.is_cuda or _simulated_device_memory
        return result

    def name(self) -> str:
        return self._name

    def is_cpu(self) -> bool:
        return not self._device_memory

    def as_numpy(self) -> np.ndarray:
        if self._device_memory:
            raise TritonModelException("Tensor is stored in GPU and cannot be converted to NumPy.")
        if self._torch is not None:
            import torch
            if self._torch.dtype == torch.bfloat16:
                raise TritonModelException("Tensor dtype is BF16 and cannot be converted to "
                                           "NumPy. Use to_dlpack() and from_dlpack() instead.")
            return self._torch.numpy()  # the same memory, as Triton's view of a CPU tensor
        return self._array

    def to_dlpack(self):
        import torch
        if self._torch is not None:
            return torch.utils.dlpack.to_dlpack(self._torch)
        return torch.utils.dlpack.to_dlpack(torch.from_numpy(np.ascontiguousarray(self._array)))

    def shape(self) -> list[int]:
        return list(self._array.shape if self._torch is None else self._torch.shape)

    # --- stand-in only: what the server does with a tensor, never called by a model -------

    def numpy_dtype(self):
        """The element type as numpy names it (None for bf16, which numpy lacks)."""
        if self._torch is None:
            return self._array.dtype
        import torch
        return None if self._torch.dtype == torch.bfloat16 else \
            torch.empty(0, dtype=self._torch.dtype).numpy().dtype

    def host_copy(self) -> "Tensor":
        """This tensor in host memory, as the server copies it for a client or a CPU input."""
        if self._torch is None:
            return self
        return Tensor(self._name, self._torch.detach().cpu().numpy().copy())

    def on_device(self, device_id: int) -> "Tensor":
        """This tensor in GPU memory (the preferred_memory of a BLS request)."""
        import torch
        if self._device_memory or not torch.cuda.is_available():
            return self
        return Tensor.from_dlpack(self._name, torch.utils.dlpack.to_dlpack(
            torch.from_dlpack(self.to_dlpack()).to(f"cuda:{device_id}")))


def host_array(tensor: Tensor) -> np.ndarray:
    """A tensor's values as numpy wherever it lives: what a client receives."""
    return tensor.host_copy().as_numpy()


class InferenceResponse:
    def __init__(self, output_tensors=None, error: TritonError | None = None):
        self._outputs = list(output_tensors or [])
        self._error = error

    def output_tensors(self) -> list[Tensor]:
        return self._outputs

    def has_error(self) -> bool:
        return self._error is not None

    def error(self) -> TritonError | None:
        return self._error


class InferenceRequest:
    # Triton's keywords (pb_stub.cc); any other is a TypeError there too. Positional
    # arguments are refused: Triton's order starts with request_id, not model_name.
    def __init__(self, *args, model_name: str, inputs: list, requested_output_names: list,
                 request_id: str = "", correlation_id=0, model_version: int = -1,
                 flags: int = 0, timeout: int = 0,
                 preferred_memory: PreferredMemory | None = None, trace=None,
                 parameters=None):
        if args:
            raise TypeError("InferenceRequest takes keyword arguments (model_name=, inputs=, "
                            "requested_output_names=, ...); Triton's positional order starts "
                            "with request_id")
        self.model_name = model_name
        self._inputs = list(inputs)
        self._requested = list(requested_output_names)
        self.preferred_memory = preferred_memory
        self._request_id, self._correlation_id, self._flags = request_id, correlation_id, flags
        self._timeout, self._parameters = timeout, parameters

    def request_id(self) -> str:
        return self._request_id

    def correlation_id(self):
        return self._correlation_id

    def flags(self) -> int:
        return self._flags

    def timeout(self) -> int:
        return self._timeout

    def parameters(self) -> str:
        import json
        return json.dumps(self._parameters or {})

    def inputs(self) -> list[Tensor]:
        return self._inputs

    def requested_output_names(self) -> list[str]:
        return self._requested

    def exec(self, decoupled: bool = False) -> InferenceResponse:
        """Run the named loaded model on this one request, as a BLS call would."""
        if decoupled:
            raise TritonModelException("the stand-in has no decoupled models")
        model = _loaded_models.get(self.model_name)
        if model is None:
            return InferenceResponse(error=TritonError(
                f"Request for unknown model: '{self.model_name}' is not found"))
        problem = check_request(model.config, self)
        if problem:
            return InferenceResponse(error=TritonError(f"[{self.model_name}] {problem}"))
        responses = model.instance.execute([_as_delivered(model.config, self)])
        if not isinstance(responses, list) or len(responses) != 1 or responses[0] is None:
            raise TritonModelException(
                f"{self.model_name}.execute must return one response per request")
        response = responses[0]
        if response.has_error():
            return response
        problem = check_outputs(model.config, response)
        if problem:
            raise TritonModelException(f"{self.model_name} broke its config: {problem}")
        wanted = set(self._requested) or {t.name() for t in response.output_tensors()}
        return InferenceResponse([_to_preferred(t, self.preferred_memory)
                                  for t in response.output_tensors() if t.name() in wanted])

    async def async_exec(self, decoupled: bool = False) -> InferenceResponse:
        return self.exec(decoupled)


def _as_delivered(config: dict, request: InferenceRequest) -> InferenceRequest:
    """The request as the callee sees it: device inputs copied to the host unless its
    config sets FORCE_CPU_ONLY_INPUT_TENSORS to "no" (Triton's default is to copy)."""
    keep = config.get("parameters", {}).get("FORCE_CPU_ONLY_INPUT_TENSORS", {})
    if keep.get("string_value", "yes").lower() in ("no", "false", "0"):
        return request
    delivered = InferenceRequest(model_name=request.model_name,
                                 inputs=[t.host_copy() if not t.is_cpu() else t
                                         for t in request.inputs()],
                                 requested_output_names=request.requested_output_names())
    delivered.preferred_memory = request.preferred_memory
    return delivered


def _to_preferred(tensor: Tensor, preferred: PreferredMemory | None) -> Tensor:
    """A BLS output where the caller asked for it (else where the callee made it)."""
    if preferred is None:
        return tensor
    if preferred.preferred_memory_type == TRITONSERVER_MEMORY_GPU:
        return tensor.on_device(preferred.preferred_device_id)
    return tensor.host_copy() if not tensor.is_cpu() else tensor


def get_input_tensor_by_name(request: InferenceRequest, name: str) -> Tensor | None:
    return next((t for t in request.inputs() if t.name() == name), None)


def get_output_tensor_by_name(response: InferenceResponse, name: str) -> Tensor | None:
    return next((t for t in response.output_tensors() if t.name() == name), None)


def get_input_config_by_name(model_config: dict, name: str) -> dict | None:
    return next((c for c in model_config.get("input", []) if c["name"] == name), None)


def get_output_config_by_name(model_config: dict, name: str) -> dict | None:
    return next((c for c in model_config.get("output", []) if c["name"] == name), None)


# --- what Triton checks before a request reaches a model -------------------------------

def _expected_rank(config: dict, tensor_config: dict) -> int:
    batching = int(config.get("max_batch_size", 0)) > 0
    return len(tensor_config["dims"]) + (1 if batching else 0)


def _dtype_matches(dtype, triton_type: str) -> bool:
    if dtype is None:  # bf16
        return triton_type == "TYPE_BF16"
    if triton_type == "TYPE_STRING":
        return dtype == np.object_ or dtype.kind in "SU"
    return triton_type in _TYPE_TO_NUMPY and dtype == np.dtype(_TYPE_TO_NUMPY[triton_type])


def check_request(config: dict, request: InferenceRequest) -> str | None:
    """The first problem Triton would report for this request, or None."""
    declared = {c["name"]: c for c in config.get("input", [])}
    names = [t.name() for t in request.inputs()]
    for name in names:
        if name not in declared:
            return f"unexpected inference input '{name}', allowed inputs are: {sorted(declared)}"
    if len(set(names)) != len(names):
        return f"duplicate inputs in {names}"
    missing = [n for n, c in declared.items() if not c.get("optional") and n not in names]
    if missing:
        return f"expected inputs {sorted(declared)} but missing {missing}"
    batch_sizes = set()
    for tensor in request.inputs():
        spec = declared[tensor.name()]
        dtype, shape = tensor.numpy_dtype(), tensor.shape()
        if not _dtype_matches(dtype, spec["data_type"]):
            return (f"input '{tensor.name()}' data-type is {dtype or 'bfloat16'} "
                    f"but the model expects {spec['data_type']}")
        if len(shape) != _expected_rank(config, spec):
            return (f"input '{tensor.name()}' has shape {shape}; the model expects "
                    f"rank {_expected_rank(config, spec)} ([batch] + {spec['dims']})")
        batch_sizes.add(shape[0])
    max_batch = int(config.get("max_batch_size", 0))
    if max_batch > 0 and batch_sizes:
        if len(batch_sizes) > 1:
            return f"inputs disagree on the batch size: {sorted(batch_sizes)}"
        if batch_sizes.pop() > max_batch:
            return f"batch size exceeds max_batch_size {max_batch}"
    outputs = {c["name"] for c in config.get("output", [])}
    unknown = [n for n in request.requested_output_names() if n not in outputs]
    if unknown:
        return f"unexpected requested outputs {unknown}, the model has {sorted(outputs)}"
    return None


def check_outputs(config: dict, response: InferenceResponse) -> str | None:
    declared = {c["name"]: c for c in config.get("output", [])}
    for tensor in response.output_tensors():
        spec = declared.get(tensor.name())
        if spec is None:
            return f"output '{tensor.name()}' is not in config.pbtxt"
        dtype, rank = tensor.numpy_dtype(), len(tensor.shape())
        if not _dtype_matches(dtype, spec["data_type"]):
            return (f"output '{tensor.name()}' is {dtype or 'bfloat16'}, "
                    f"config says {spec['data_type']}")
        if rank != _expected_rank(config, spec):
            return f"output '{tensor.name()}' has rank {rank}, config dims {spec['dims']}"
    return None
