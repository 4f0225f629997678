"""Load a Triton python-backend model repository in-process and send it requests.

    import sys; sys.path.insert(0, "<workspace>/testing")
    from triton_harness import Repository, tiny_parameters
    repo = Repository("<workspace>/triton_models", tiny_parameters("schnell"))
    out = repo.infer("clip_encoder", {"input_ids": ids})          # dict of numpy outputs
    responses = repo.execute("clip_encoder", [repo.request("clip_encoder", {...}), ...])
    repo.close()

Models load like Triton loads them: `config.pbtxt` is parsed into the JSON-like dict that
`args["model_config"]` carries, the named `parameters` are overridden (only keys the
config already has, so a missing parameter is still noticed), `1/model.py` is imported with
this directory's `triton_python_backend_utils` stand-in, and `initialize(args)` runs on an
instance of `kind` "CPU" (default) or "GPU" with `device_id`, as `instance_group` would
give it (the default kind comes from the environment variable TRITON_STANDIN_KIND, so
the same tests run on a GPU with TRITON_STANDIN_KIND=GPU). `device_memory=True` makes DLPack tensors behave as GPU memory even on a CPU
(see the stand-in), so CPU tests run the models' GPU paths. BLS calls between the loaded
models go through `InferenceRequest.exec()`.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import triton_python_backend_utils as pb_utils  # noqa: E402  (the stand-in beside this file)

MODEL_NAMES = ("clip_encoder", "t5_encoder", "dit_transformer", "vae_decoder", "bls")

# --- config.pbtxt -------------------------------------------------------------------------

# Fields that may repeat; everything else is a singular field.
_REPEATED = {"input", "output", "dims", "instance_group", "preferred_batch_size", "parameters",
             "gpus", "profile", "model_warmup", "shape"}
_TOKEN = re.compile(r'\s+|#[^\n]*|"(?:[^"\\]|\\.)*"|\'(?:[^\'\\]|\\.)*\'|[{}\[\]:,;<>]|[^\s{}\[\]:,;<>#]+')


def _tokens(text: str) -> list[str]:
    return [t for t in _TOKEN.findall(text) if t.strip() and not t.startswith("#")]


def _scalar(token: str):
    if token[0] in "\"'":
        return bytes(token[1:-1], "utf-8").decode("unicode_escape")
    if re.fullmatch(r"-?\d+", token):
        return int(token)
    if re.fullmatch(r"-?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?[fF]?", token):
        return float(token.rstrip("fF"))
    return {"true": True, "True": True, "false": False, "False": False}.get(token, token)


def _parse_message(tokens: list[str], pos: int, closer: str | None) -> tuple[dict, int]:
    message: dict = {}
    while pos < len(tokens) and tokens[pos] != closer:
        name = tokens[pos]
        pos += 1
        if tokens[pos] == ":":
            pos += 1
        if tokens[pos] == "[":
            values, pos = _parse_list(tokens, pos + 1)
        else:
            value, pos = _parse_value(tokens, pos)
            values = [value]
        if name in _REPEATED:
            message.setdefault(name, []).extend(values)
        elif name in message or len(values) != 1:
            raise ValueError(f"config.pbtxt: singular field '{name}' set more than once")
        else:
            message[name] = values[0]
        if pos < len(tokens) and tokens[pos] in ",;":
            pos += 1
    if closer is not None and pos >= len(tokens):
        raise ValueError(f"config.pbtxt: missing '{closer}'")
    return message, pos + (1 if closer else 0)


def _parse_value(tokens: list[str], pos: int):
    if tokens[pos] in "{<":
        return _parse_message(tokens, pos + 1, "}" if tokens[pos] == "{" else ">")
    return _scalar(tokens[pos]), pos + 1


def _parse_list(tokens: list[str], pos: int) -> tuple[list, int]:
    values = []
    while tokens[pos] != "]":
        value, pos = _parse_value(tokens, pos)
        values.append(value)
        if tokens[pos] == ",":
            pos += 1
    return values, pos + 1


def parse_pbtxt(text: str) -> dict:
    """config.pbtxt -> dict shaped like Triton's model_config JSON (parameters as a map)."""
    config, _ = _parse_message(_tokens(text), 0, None)
    config["parameters"] = {entry["key"]: entry["value"] for entry in config.get("parameters", [])}
    return config


def load_config(model_dir: Path) -> dict:
    return parse_pbtxt((Path(model_dir) / "config.pbtxt").read_text())


# --- loading and running models ----------------------------------------------------------

def tiny_parameters(variant: str) -> dict[str, str]:
    """Parameter overrides that make every model use the tiny seeded weights on CPU."""
    sys.path.insert(0, str(HERE.parent))  # flux_pipeline.py sits at the workspace root
    import flux_pipeline
    return {"weights_dir": "tiny", "dtype": "float32", "variant": variant,
            "max_sequence_length": str(flux_pipeline.tiny_config(variant).max_sequence_length)}


class LoadedModel:
    def __init__(self, name: str, config: dict, instance, args: dict):
        self.name, self.config, self.instance, self.args = name, config, instance, args


class Repository:
    """The models of one repository, loaded in dependency order (the BLS last)."""

    def __init__(self, repository: str | Path, parameters: dict[str, str] | None = None,
                 models: tuple[str, ...] | list[str] | None = None, kind: str | None = None,
                 device_id: int = 0, device_memory: bool = False):
        if kind is None:
            kind = os.environ.get("TRITON_STANDIN_KIND", "CPU")
            if kind == "GPU":
                # The tests compare GPU outputs with float32 CPU references at 1e-5: no TF32.
                import torch
                torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
        if kind not in ("CPU", "GPU"):
            raise ValueError(f"kind must be 'CPU' or 'GPU' (KIND_CPU / KIND_GPU), got {kind!r}")
        self.path = Path(repository).resolve()
        self.parameters = dict(parameters or {})
        self.kind, self.device_id = kind, int(device_id)
        self.models: dict[str, LoadedModel] = {}
        pb_utils._loaded_models.clear()
        pb_utils.simulate_device_memory(device_memory)
        for name in models or [n for n in MODEL_NAMES if (self.path / n).is_dir()]:
            self.load(name)

    def load(self, name: str) -> LoadedModel:
        model_dir = self.path / name
        config = load_config(model_dir)
        for key, value in self.parameters.items():
            if key in config["parameters"]:
                config["parameters"][key] = {"string_value": value}
        module = _import_model_file(model_dir / "1" / "model.py", name)
        instance = module.TritonPythonModel()
        args = {"model_config": json.dumps(config), "model_instance_kind": self.kind,
                "model_instance_device_id": str(self.device_id),
                "model_repository": str(model_dir), "model_version": "1", "model_name": name}
        instance.initialize(args)
        loaded = LoadedModel(name, config, instance, args)
        self.models[name] = loaded
        pb_utils._loaded_models[name] = loaded
        return loaded

    @staticmethod
    def request(model: str, inputs: dict[str, np.ndarray],
                requested_outputs: list[str] | None = None) -> pb_utils.InferenceRequest:
        return pb_utils.InferenceRequest(
            model_name=model, inputs=[pb_utils.Tensor(k, v) for k, v in inputs.items()],
            requested_output_names=requested_outputs or [])

    def execute(self, model: str, requests: list) -> list:
        """Hand a batch of requests straight to execute(), as the dynamic batcher would.

        No config checks here, so tests can send malformed requests to the model itself.
        """
        responses = self.models[model].instance.execute(requests)
        assert isinstance(responses, list) and len(responses) == len(requests), \
            f"{model}.execute returned {len(responses)} responses for {len(requests)} requests"
        assert all(r is not None for r in responses), f"{model}.execute returned None"
        return responses

    def infer(self, model: str, inputs: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """One request through the config checks (as a client would); raises on error."""
        response = self.request(model, inputs).exec()
        if response.has_error():
            raise pb_utils.TritonModelException(response.error().message())
        return outputs_of(response)

    def close(self) -> None:
        for loaded in self.models.values():
            if hasattr(loaded.instance, "finalize"):
                loaded.instance.finalize()
        self.models.clear()
        pb_utils._loaded_models.clear()
        pb_utils.simulate_device_memory(False)


def outputs_of(response) -> dict[str, np.ndarray]:
    """A response's outputs as numpy, wherever they live (what a client receives)."""
    return {t.name(): pb_utils.host_array(t) for t in response.output_tensors()}


def _import_model_file(path: Path, name: str):
    # As deployed (docs/deployment.md runs Triton with PYTHONDONTWRITEBYTECODE=1): no
    # __pycache__/ beside model.py. The shared modules' own imports are the models' concern.
    previous, sys.dont_write_bytecode = sys.dont_write_bytecode, True
    try:
        spec = importlib.util.spec_from_file_location(f"triton_model_{name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    finally:
        sys.dont_write_bytecode = previous
    return module
