"""In-process stand-in for Triton's `triton_python_backend_utils` (pb_utils).

Inside Triton the C++ stub injects these classes; there is no official package, so tests
put this directory on sys.path and import the model files as Triton would. It runs on CPU
only: every Tensor holds a numpy array (DLPack round-trips go through torch).

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
    def __init__(self, name: str, array: np.ndarray):
        if not isinstance(array, np.ndarray):
            raise TritonModelException(f"Tensor '{name}' needs a numpy array, got {type(array)}")
        self._name = name
        self._array = array

    @staticmethod
    def from_dlpack(name: str, capsule) -> "Tensor":
        import torch
        tensor = torch.from_dlpack(capsule)
        if not tensor.is_contiguous():  # Triton refuses non C-contiguous DLPack tensors
            raise TritonModelException(f"Tensor '{name}' from DLPack must be C-contiguous")
        return Tensor(name, tensor.cpu().numpy())

    def name(self) -> str:
        return self._name

    def as_numpy(self) -> np.ndarray:
        return self._array

    def to_dlpack(self):
        import torch
        return torch.utils.dlpack.to_dlpack(torch.from_numpy(np.ascontiguousarray(self._array)))

    def shape(self) -> list[int]:
        return list(self._array.shape)

    def is_cpu(self) -> bool:
        return True


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
    def __init__(self, model_name: str = "", inputs=None, requested_output_names=None,
                 preferred_memory: PreferredMemory | None = None, **_ignored):
        self.model_name = model_name
        self._inputs = list(inputs or [])
        self._requested = list(requested_output_names or [])
        self.preferred_memory = preferred_memory

    def inputs(self) -> list[Tensor]:
        return self._inputs

    def requested_output_names(self) -> list[str]:
        return self._requested

    def exec(self) -> InferenceResponse:
        """Run the named loaded model on this one request, as a BLS call would."""
        model = _loaded_models.get(self.model_name)
        if model is None:
            return InferenceResponse(error=TritonError(
                f"Request for unknown model: '{self.model_name}' is not found"))
        problem = check_request(model.config, self)
        if problem:
            return InferenceResponse(error=TritonError(f"[{self.model_name}] {problem}"))
        responses = model.instance.execute([self])
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
        return InferenceResponse([t for t in response.output_tensors() if t.name() in wanted])

    async def async_exec(self) -> InferenceResponse:
        return self.exec()


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


def _dtype_matches(array: np.ndarray, triton_type: str) -> bool:
    if triton_type == "TYPE_STRING":
        return array.dtype == np.object_ or array.dtype.kind in "SU"
    return array.dtype == np.dtype(_TYPE_TO_NUMPY[triton_type])


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
        array = tensor.as_numpy()
        if not _dtype_matches(array, spec["data_type"]):
            return (f"input '{tensor.name()}' data-type is {array.dtype} "
                    f"but the model expects {spec['data_type']}")
        if array.ndim != _expected_rank(config, spec):
            return (f"input '{tensor.name()}' has shape {list(array.shape)}; the model expects "
                    f"rank {_expected_rank(config, spec)} ([batch] + {spec['dims']})")
        batch_sizes.add(array.shape[0])
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
        array = tensor.as_numpy()
        if not _dtype_matches(array, spec["data_type"]):
            return f"output '{tensor.name()}' is {array.dtype}, config says {spec['data_type']}"
        if array.ndim != _expected_rank(config, spec):
            return f"output '{tensor.name()}' has rank {array.ndim}, config dims {spec['dims']}"
    return None
