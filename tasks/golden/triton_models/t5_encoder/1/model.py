# /// script
# requires-python = ">=3.10"
# dependencies = ["numpy", "torch", "transformers>=4.44", "safetensors", "tokenizers"]
# ///
# `uv run triton_models/<model>/1/model.py` (or `python model.py`) runs the self-test from the
# workspace root's layout; inside Triton this block is only a comment.
"""t5_encoder: T5 v1.1 XXL encoder -> per-token prompt embeddings (Triton python backend).

Contract (tensor_contract.md): input_ids INT64 [B, L] -> prompt_embeds FP32 [B, L, 4096],
L = max_sequence_length (512 dev, 256 schnell); no attention mask, as FLUX was trained.
The encoder is flux_pipeline.py's `load_t5` (the project's single implementation); request
checks, batching by sequence length, errors and OOM recovery come from triton_model_utils.py,
which sits beside flux_pipeline.py.

`python model.py` runs a self-test (mixed lengths, bad requests, OOM) on tiny weights on CPU.
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

MODEL_NAME = "t5_encoder"
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
        weights_dir = parameters.get("weights_dir", "")
        variant = parameters.get("variant", "schnell")
        self.max_length = int(parameters.get("max_sequence_length", "0")
                              or fp.config_for(weights_dir, variant).max_sequence_length)
        dtype = fp.parse_dtype(parameters.get("dtype", "bfloat16"))
        if dtype == torch.float16:
            # T5 v1.1's feed-forward activations exceed float16's 65504: the embeddings come
            # out inf/NaN without any error, so refuse at load rather than serve noise.
            raise ValueError(f"{MODEL_NAME}: parameter 'dtype' is 'float16', which overflows in "
                             f"T5 v1.1 XXL (inf/NaN embeddings); use 'bfloat16' or 'float32'")
        speedups = utils.speedups_from(MODEL_NAME, parameters, model_args.gpu)
        network = fp.load_t5(weights_dir, dtype, self.device)
        self.vocab_size = network.config.vocab_size
        self.model = utils.apply_speedups(network, speedups, MODEL_NAME)
        self.spec = utils.Spec(torch.int64, (-1,))  # input_ids
        # The BLS always sends max_sequence_length tokens: warm up that length per batch.
        for _, _, batch in speedups.warmup:
            self.compute(torch.zeros(batch, self.max_length, dtype=torch.int64))

    def finalize(self):
        self.model = None

    @torch.no_grad()
    def compute(self, input_ids: torch.Tensor) -> torch.Tensor:
        """The compute core: (B, L) ids -> prompt_embeds (B, L, d_model) fp32."""
        return self.model(input_ids=input_ids.to(self.device)).last_hidden_state.float()

    def read_request(self, request) -> torch.Tensor:
        """The request's input_ids, validated; RequestError when anything is wrong."""
        ids = utils.read_input(pb_utils.get_input_tensor_by_name(request, "input_ids"),
                               "input_ids", self.spec, self.device)
        length, vocab = ids.shape[1], self.vocab_size
        if not 1 <= length <= self.max_length:
            raise utils.RequestError(f"input 'input_ids': sequence length must be "
                                     f"1..{self.max_length} (max_sequence_length), got {length}")
        if ids.min() < 0 or ids.max() >= vocab:
            raise utils.RequestError(f"input 'input_ids': token ids must be in [0, {vocab})")
        return ids

    def respond(self, embeds: torch.Tensor):
        """One request's response over DLPack: on a GPU the output stays there for the caller
        (no copy); on a CPU it is the same memory as the computed slice."""
        return pb_utils.InferenceResponse([
            pb_utils.Tensor.from_dlpack("prompt_embeds", utils.dlpack(embeds))])

    def execute(self, requests):
        # Only requests of equal sequence length batch together.
        return utils.execute_batched(MODEL_NAME, requests, read=self.read_request,
                                     group_key=lambda ids: ids.shape[1], compute=self.compute,
                                     respond=self.respond)


# --- self-test: `python model.py` ----------------------------------------------------------

def self_test() -> None:
    here = Path(__file__).resolve()
    sys.path.insert(0, str(here.parents[3] / "testing"))
    from triton_harness import Repository, outputs_of, tiny_parameters
    from triton_model_utils import check_out_of_memory_recovery  # at the workspace root

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

    check_out_of_memory_recovery(repo, MODEL_NAME, {"input_ids": ids[:1]},
                                 RuntimeError("CUDA error: out of memory (simulated)"))
    repo.close()


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the workspace root
    from triton_model_utils import run_self_test
    run_self_test(MODEL_NAME, self_test)
