"""T003: each of the four compute models alone, through the in-process Triton stand-in.

Run from the workspace root: python -m pytest tests/test_models.py -q --junitxml=test-results/T003.xml
Tiny seeded weights on CPU (weights_dir "tiny"), so widths are the tiny ones (32, 8, 2)
where the contract lists the full-size ones (4096, 64, 16); names, dtypes and ranks are
checked against tensor_contract.md exactly.
"""

import sys
from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "testing"))
sys.path.insert(0, str(ROOT))

import flux_pipeline as fp  # noqa: E402
from triton_harness import Repository, load_config, outputs_of, tiny_parameters  # noqa: E402

MODELS = ("clip_encoder", "t5_encoder", "dit_transformer", "vae_decoder")
VARIANT = "dev"  # dev exercises the optional guidance input too
TINY = fp.tiny_config(VARIANT)

# tensor_contract.md: (model, direction, name) -> (data_type, dims, optional)
CONTRACT = {
    ("clip_encoder", "input", "input_ids"): ("TYPE_INT64", [77], False),
    ("clip_encoder", "output", "pooled_embeds"): ("TYPE_FP32", [768], False),
    ("t5_encoder", "input", "input_ids"): ("TYPE_INT64", [-1], False),
    ("t5_encoder", "output", "prompt_embeds"): ("TYPE_FP32", [-1, 4096], False),
    ("dit_transformer", "input", "hidden_states"): ("TYPE_FP32", [-1, 64], False),
    ("dit_transformer", "input", "encoder_hidden_states"): ("TYPE_FP32", [-1, 4096], False),
    ("dit_transformer", "input", "pooled_projections"): ("TYPE_FP32", [768], False),
    ("dit_transformer", "input", "timestep"): ("TYPE_FP32", [1], False),
    ("dit_transformer", "input", "img_ids"): ("TYPE_FP32", [-1, 3], False),
    ("dit_transformer", "input", "txt_ids"): ("TYPE_FP32", [-1, 3], False),
    ("dit_transformer", "input", "guidance"): ("TYPE_FP32", [1], True),
    ("dit_transformer", "output", "noise_pred"): ("TYPE_FP32", [-1, 64], False),
    ("vae_decoder", "input", "latents"): ("TYPE_FP32", [16, -1, -1], False),
    ("vae_decoder", "output", "image"): ("TYPE_FP32", [3, -1, -1], False),
}
OUTPUT = {"clip_encoder": "pooled_embeds", "t5_encoder": "prompt_embeds",
          "dit_transformer": "noise_pred", "vae_decoder": "image"}


def example_inputs(model: str, batch: int, seed: int = 0) -> dict:
    """Valid tiny inputs for `batch` rows: 16x16 image -> 8x8 latent -> 16 packed tokens."""
    rng = np.random.default_rng(seed)
    text_len = TINY.max_sequence_length
    if model == "clip_encoder":
        return {"input_ids": rng.integers(0, 200, (batch, 77)).astype(np.int64)}
    if model == "t5_encoder":
        return {"input_ids": rng.integers(0, 200, (batch, text_len)).astype(np.int64)}
    if model == "vae_decoder":
        return {"latents": rng.standard_normal((batch, TINY.latent_channels, 8, 8), np.float32)}
    t = TINY.transformer
    img_ids = fp.prepare_img_ids(8, 8).numpy()
    return {
        "hidden_states": rng.standard_normal((batch, 16, t.in_channels), np.float32),
        "encoder_hidden_states": rng.standard_normal((batch, text_len, t.context_in_dim), np.float32),
        "pooled_projections": rng.standard_normal((batch, t.vec_in_dim), np.float32),
        "timestep": rng.uniform(0, 1, (batch, 1)).astype(np.float32),
        "img_ids": np.broadcast_to(img_ids, (batch, 16, 3)).copy(),
        "txt_ids": np.zeros((batch, text_len, 3), np.float32),
        "guidance": np.full((batch, 1), 3.5, np.float32),
    }


def expected_shape(model: str, batch: int) -> tuple:
    t = TINY.transformer
    return {"clip_encoder": (batch, TINY.transformer.vec_in_dim),
            "t5_encoder": (batch, TINY.max_sequence_length, t.context_in_dim),
            "dit_transformer": (batch, 16, t.in_channels),
            "vae_decoder": (batch, 3, 8 * TINY.vae.spatial_scale, 8 * TINY.vae.spatial_scale)}[model]


@pytest.fixture(scope="module")
def repo():
    repository = Repository(ROOT / "triton_models", tiny_parameters(VARIANT), models=MODELS)
    yield repository
    repository.close()


@pytest.mark.parametrize("model", MODELS)
def test_config_follows_the_contract(model):
    config = load_config(ROOT / "triton_models" / model)
    assert config.get("backend") == "python" and "platform" not in config
    assert config.get("name", model) == model
    assert config["max_batch_size"] > 0
    for direction in ("input", "output"):
        declared = {t["name"]: (t["data_type"], t["dims"], bool(t.get("optional", False)))
                    for t in config[direction]}
        expected = {name: spec for (m, d, name), spec in CONTRACT.items()
                    if m == model and d == direction}
        assert declared == expected
    for key in ("variant", "weights_dir", "dtype"):
        assert key in config["parameters"], f"{model} lacks parameter {key}"


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("batch", [1, 3])
def test_output_names_dtypes_shapes(repo, model, batch):
    outputs = repo.infer(model, example_inputs(model, batch))  # through the config checks
    assert list(outputs) == [OUTPUT[model]]
    value = outputs[OUTPUT[model]]
    assert value.dtype == np.float32 and value.shape == expected_shape(model, batch)
    assert np.isfinite(value).all()


@pytest.mark.parametrize("model", MODELS)
def test_batch_equals_singles(repo, model):
    inputs = example_inputs(model, 4, seed=1)
    rows = [{k: v[i:i + 1] for k, v in inputs.items()} for i in range(4)]
    singles = [outputs_of(repo.execute(model, [repo.request(model, row)])[0])[OUTPUT[model]]
               for row in rows]
    # Four requests delivered together (as the dynamic batcher does) and one request of four.
    together = repo.execute(model, [repo.request(model, row) for row in rows])
    one_request = repo.execute(model, [repo.request(model, inputs)])[0]
    # Batched matmuls may sum in another order: float32 rounding, not a different result.
    np.testing.assert_allclose(np.concatenate([outputs_of(r)[OUTPUT[model]] for r in together]),
                               np.concatenate(singles), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(outputs_of(one_request)[OUTPUT[model]], np.concatenate(singles),
                               rtol=1e-4, atol=1e-5)


def broken_requests(model: str) -> dict:
    """Per failure kind, inputs that break exactly one tensor of a valid request."""
    good = example_inputs(model, 1)
    name = next(iter(good))  # the first (main) input
    wrong_dtype = np.float64 if good[name].dtype != np.float64 else np.float32
    return {
        "wrong dtype": dict(good, **{name: good[name].astype(wrong_dtype)}),
        "wrong shape": dict(good, **{name: good[name][0]}),  # batch dim dropped
        "missing input": {k: v for k, v in good.items() if k != name},
    }


@pytest.mark.parametrize("model", MODELS)
@pytest.mark.parametrize("kind", ["wrong dtype", "wrong shape", "missing input"])
def test_bad_request_fails_alone(repo, model, kind):
    good = example_inputs(model, 1, seed=2)
    bad = broken_requests(model)[kind]
    responses = repo.execute(model, [repo.request(model, good), repo.request(model, bad),
                                     repo.request(model, good)])
    assert [r.has_error() for r in responses] == [False, True, False]
    message = responses[1].error().message()
    assert next(iter(good)) in message, message  # names the offending tensor
    alone = outputs_of(repo.execute(model, [repo.request(model, good)])[0])[OUTPUT[model]]
    for response in (responses[0], responses[2]):
        np.testing.assert_allclose(outputs_of(response)[OUTPUT[model]], alone, rtol=1e-4, atol=1e-5)


def test_dev_transformer_requires_guidance(repo):
    inputs = example_inputs("dit_transformer", 1)
    del inputs["guidance"]
    response = repo.execute("dit_transformer", [repo.request("dit_transformer", inputs)])[0]
    assert response.has_error() and "guidance" in response.error().message()
