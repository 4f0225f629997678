# /// script
# requires-python = ">=3.10"
# dependencies = ["numpy", "torch", "transformers>=4.44", "safetensors", "tokenizers"]
# ///
# `uv run triton_models/<model>/1/model.py` (or `python model.py`) runs the self-test from the
# workspace root's layout; inside Triton this block is only a comment.
"""clip_encoder: CLIP text model -> pooled prompt embedding (Triton python backend).

Contract (tensor_contract.md): input_ids INT64 [B, 77] -> pooled_embeds FP32 [B, 768].
The network is flux_pipeline.py's `load_clip` (the project's single implementation); input
validation, batching, errors and OOM recovery are triton_model_utils.py's. `import_shared`
finds both modules in one directory.

`python model.py` self-tests batching, bad requests and a simulated OOM on tiny CPU weights.
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

MODEL_NAME = "clip_encoder"
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
        speedups = utils.speedups_from(MODEL_NAME, parameters, model_args.gpu)
        network = fp.load_clip(parameters.get("weights_dir", ""),
                               fp.parse_dtype(parameters.get("dtype", "bfloat16")), self.device)
        self.vocab_size = network.config.vocab_size
        self.model = utils.apply_speedups(network, speedups, MODEL_NAME)
        self.spec = utils.Spec(torch.int64, (fp.CLIP_MAX_LENGTH,))  # input_ids
        for _, _, batch in speedups.warmup:  # the length is fixed: only the batch matters
            self.compute(torch.zeros(batch, fp.CLIP_MAX_LENGTH, dtype=torch.int64))

    def finalize(self):
        self.model = None

    @torch.no_grad()
    def compute(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The compute core: (B, 77) ids -> pooled_embeds (B, hidden) fp32."""
        return self.model(input_ids=input_ids.to(self.device)).pooler_output.float()

    def read_request(self, request) -> torch.Tensor:
        """The request's input_ids, validated; RequestError when anything is wrong."""
        ids = utils.read_input(pb_utils.get_input_tensor_by_name(request, "input_ids"),
                               "input_ids", self.spec, self.device)
        vocab = self.vocab_size
        if ids.min() < 0 or ids.max() >= vocab:
            raise utils.RequestError(f"input 'input_ids': token ids must be in [0, {vocab})")
        return ids

    def respond(self, pooled: torch.Tensor):
        """One request's response over DLPack: on a GPU the output stays there for the caller
        (no copy); on a CPU it is the same memory as the computed slice."""
        return pb_utils.InferenceResponse([
            pb_utils.Tensor.from_dlpack("pooled_embeds", utils.dlpack(pooled))])

    def execute(self, requests):
        # Every valid request has the shape (b, 77), so all of them run as one batch.
        return utils.execute_batched(MODEL_NAME, requests, read=self.read_request,
                                     group_key=lambda ids: None, compute=self.compute,
                                     respond=self.respond)


# --- self-test: `python model.py` ----------------------------------------------------------

def self_test() -> None:
    here = Path(__file__).resolve()
    sys.path.insert(0, str(here.parents[3] / "testing"))
    from triton_harness import Repository, outputs_of, tiny_parameters
    from triton_model_utils import check_out_of_memory_recovery  # at the workspace root

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

    check_out_of_memory_recovery(repo, MODEL_NAME, {"input_ids": ids[:1]})
    repo.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the workspace root
    from triton_model_utils import run_self_test
    run_self_test(MODEL_NAME, self_test)
