"""T005: a batch of prompts through the BLS equals each prompt run alone; throughput.

Run from the workspace root:
    python -m pytest tests/test_batch.py -q --junitxml=test-results/T005.xml

Tolerance: at most 1 uint8 level per pixel, mean under 0.05 levels. A batched matmul may
add in a different order than a batch of one, so float32 results can differ in the last
bits; after quantization that is at most one level on a few pixels. Throughput (batch vs
one by one) is measured and written to test-results/throughput.json; nothing asserts on
timing, since CPU timings on shared machines are noise.
"""

import json
import sys
import time
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "testing"))
sys.path.insert(0, str(ROOT))

import flux_pipeline as fp  # noqa: E402
from triton_harness import Repository, outputs_of, tiny_parameters  # noqa: E402

PROMPTS = ["a photo of a cat", "a red fox in the snow", "a castle on a mountain at sunset",
           "an astronaut reading a book"]
SEEDS = [11, 22, 33, 44]
RESULTS = ROOT / "test-results"


def bls_inputs(prompts: list, seeds: list, **scalars) -> dict:
    rows = len(prompts)
    types = {"height": np.int32, "width": np.int32, "num_inference_steps": np.int32,
             "guidance_scale": np.float32}
    inputs = {"prompt": np.array([[p.encode("utf-8")] for p in prompts], dtype=object),
              "seed": np.array([[s] for s in seeds], dtype=np.int64)}
    inputs.update({k: np.full((rows, 1), v, dtype=types[k]) for k, v in scalars.items()})
    return inputs


def assert_images_match(got: np.ndarray, expected: np.ndarray) -> None:
    assert got.dtype == np.uint8 and got.shape == expected.shape, (got.dtype, got.shape)
    diff = np.abs(got.astype(np.int16) - expected.astype(np.int16))
    assert diff.max() <= 1, f"max diff {diff.max()} levels"
    assert diff.mean() < 0.05, f"mean diff {diff.mean():.3f} levels"


@pytest.fixture(scope="module", params=["schnell", "dev"])
def repo(request):
    repository = Repository(ROOT / "triton_models", tiny_parameters(request.param))
    repository.variant = request.param
    yield repository
    repository.close()


def run_alone(repo, prompt: str, seed: int, **scalars) -> np.ndarray:
    return repo.infer("bls", bls_inputs([prompt], [seed], **scalars))["images"]


def count_transformer_calls(repo) -> list:
    """Record the batch size of every dit_transformer execute() call."""
    dit = repo.models["dit_transformer"].instance
    calls, original = [], dit.execute

    def counting_execute(requests):
        # shape() reads host and device tensors alike; as_numpy() refuses GPU memory, as in Triton.
        calls.append(sum(
            r.inputs()[0].shape()[0] for r in requests))
        return original(requests)
    dit.execute = counting_execute
    return calls


def test_requests_batched_together_equal_singles(repo):
    singles = [run_alone(repo, p, s) for p, s in zip(PROMPTS, SEEDS)]
    calls = count_transformer_calls(repo)
    responses = repo.execute("bls", [repo.request("bls", bls_inputs([p], [s]))
                                     for p, s in zip(PROMPTS, SEEDS)])
    steps = fp.tiny_config(repo.variant).default_steps
    assert calls == [len(PROMPTS)] * steps, f"dit_transformer calls per step: {calls}"
    for response, single in zip(responses, singles):
        assert not response.has_error(), response.error()
        assert_images_match(outputs_of(response)["images"], single)


def test_one_request_with_many_rows_equals_singles(repo):
    got = repo.infer("bls", bls_inputs(PROMPTS[:3], SEEDS[:3]))["images"]
    assert got.shape[0] == 3
    for row, (prompt, seed) in enumerate(zip(PROMPTS[:3], SEEDS[:3])):
        assert_images_match(got[row:row + 1], run_alone(repo, prompt, seed))


def test_mixed_sizes_are_grouped_and_bad_requests_fail_alone(repo):
    requests = [bls_inputs([PROMPTS[0]], [1]), bls_inputs([PROMPTS[1]], [2], height=16, width=12),
                bls_inputs([PROMPTS[2]], [3], num_inference_steps=3),
                bls_inputs([PROMPTS[3]], [4], height=9),
                bls_inputs([PROMPTS[3]], [5], height=16, width=12)]
    responses = repo.execute("bls", [repo.request("bls", r) for r in requests])
    assert [r.has_error() for r in responses] == [False, False, False, True, False]
    assert outputs_of(responses[1])["images"].shape == (1, 16, 12, 3)
    assert_images_match(outputs_of(responses[1])["images"],
                        run_alone(repo, PROMPTS[1], 2, height=16, width=12))
    assert_images_match(outputs_of(responses[2])["images"],
                        run_alone(repo, PROMPTS[2], 3, num_inference_steps=3))


def test_throughput_batch_vs_single(repo):
    """Measured and reported only; no timing assertion."""
    repo.execute("bls", [repo.request("bls", bls_inputs([PROMPTS[0]], [0]))])  # warm-up
    start = time.perf_counter()
    for prompt, seed in zip(PROMPTS, SEEDS):
        run_alone(repo, prompt, seed)
    single_s = time.perf_counter() - start
    start = time.perf_counter()
    repo.execute("bls", [repo.request("bls", bls_inputs([p], [s])) for p, s in zip(PROMPTS, SEEDS)])
    batch_s = time.perf_counter() - start
    result = {"variant": repo.variant, "images": len(PROMPTS),
              "single_images_per_s": len(PROMPTS) / single_s,
              "batched_images_per_s": len(PROMPTS) / batch_s,
              "speedup": single_s / batch_s, "device": "cpu", "weights": "tiny"}
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / "throughput.json"
    previous = json.loads(path.read_text()) if path.exists() else {}
    previous[repo.variant] = result
    path.write_text(json.dumps(previous, indent=2) + "\n")
    print(f"\nthroughput ({repo.variant}): {json.dumps(result)}")
    assert result["single_images_per_s"] > 0 and result["batched_images_per_s"] > 0
