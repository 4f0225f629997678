"""The opt-in speed-up parameters (issue 10) and the removed per-step overheads, on CPU.

Run from the workspace root: python -m pytest tests/test_standin_speedups.py -q
compile is a GPU-only option (ignored on a CPU instance); bench/gpu measures it on a GPU.
"""

import sys
from pathlib import Path

import numpy as np
import pytest
import torch

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "testing"))
sys.path.insert(0, str(ROOT))

import flux_pipeline as fp  # noqa: E402
import triton_model_utils as utils  # noqa: E402
from triton_harness import MODEL_NAMES, Repository, load_config, outputs_of, tiny_parameters  # noqa: E402

REPOSITORY = ROOT / "triton_models"
TINY = fp.tiny_config("schnell")
SIDE = 2 * TINY.size_multiple  # a valid image side for the tiny models


def load(model, **overrides):
    return Repository(REPOSITORY, dict(tiny_parameters("schnell"), **overrides), models=[model])


def test_speedup_parameters_parse_and_compile_stays_off_on_a_cpu_instance():
    parameters = {"compile": "max-autotune", "channels_last": "true",
                  "warmup": "1024x1024x1, 512x512x4", "compile_cache_dir": "/cache"}
    on_gpu = utils.speedups_from("m", parameters, gpu=True)
    assert on_gpu == utils.Speedups("max-autotune", "/cache", True, ((1024, 1024, 1), (512, 512, 4)))
    assert utils.speedups_from("m", parameters, gpu=False).compile == "off"
    assert utils.speedups_from("m", {}, gpu=True) == utils.Speedups()


@pytest.mark.parametrize("key, value, message", [
    ("compile", "fast", r"parameter 'compile' must be one of off, default"),
    ("warmup", "1024x1024", r"parameter 'warmup' takes HEIGHTxWIDTHxBATCH"),
    ("channels_last", "yes", r"parameter 'channels_last' must be 'true' or 'false'")])
def test_a_bad_speedup_parameter_fails_the_load_naming_it(key, value, message):
    with pytest.raises(ValueError, match=rf"vae_decoder: {message}"):
        load("vae_decoder", **{key: value})


def test_every_speedup_defaults_to_off_in_the_configs():
    for model in ("dit_transformer", "vae_decoder"):
        parameters = {k: v["string_value"] for k, v in
                      load_config(REPOSITORY / model)["parameters"].items()}
        assert utils.speedups_from(model, parameters, gpu=True) == utils.Speedups(), model


def test_callees_only_the_bls_calls_do_not_wait_to_fill_a_batch():
    for model in MODEL_NAMES:
        if model != "bls":
            delay = load_config(REPOSITORY / model)["dynamic_batching"]["max_queue_delay_microseconds"]
            assert delay == 0, model


def test_channels_last_vae_decodes_the_same_image_and_warmup_runs_at_load():
    h, w = fp.latent_size(SIDE, 2 * SIDE, TINY.vae)
    latents = np.random.default_rng(0).standard_normal((2, TINY.vae.z_channels, h, w), np.float32)
    plain = load("vae_decoder")
    expected = plain.infer("vae_decoder", {"latents": latents})["image"]
    plain.close()
    fast = load("vae_decoder", channels_last="true", warmup=f"{SIDE}x{SIDE}x1,{SIDE}x{2 * SIDE}x2")
    assert fast.models["vae_decoder"].instance.memory_format == torch.channels_last
    np.testing.assert_allclose(fast.infer("vae_decoder", {"latents": latents})["image"],
                               expected, atol=1e-5)
    fast.close()


def test_transformer_warmup_runs_the_served_shapes_at_load(monkeypatch):
    shapes = []
    repo = load("dit_transformer")
    model_class = type(repo.models["dit_transformer"].instance)
    repo.close()
    real_compute = model_class.compute

    def recording_compute(self, hidden_states, encoder_hidden_states, *args, **kwargs):
        shapes.append((hidden_states.shape[0], hidden_states.shape[1], encoder_hidden_states.shape[1]))
        return real_compute(self, hidden_states, encoder_hidden_states, *args, **kwargs)

    monkeypatch.setattr(model_class, "compute", recording_compute)
    model_class().initialize(_args("dit_transformer", warmup=f"{SIDE}x{SIDE}x2"))
    assert shapes and shapes[0][0] == 2 and shapes[0][1] >= 1


def _args(model, **overrides):
    import json
    config = load_config(REPOSITORY / model)
    for key, value in dict(tiny_parameters("schnell"), **overrides).items():
        if key in config["parameters"]:
            config["parameters"][key] = {"string_value": value}
    return {"model_config": json.dumps(config), "model_instance_kind": "CPU",
            "model_instance_device_id": "0", "model_repository": str(REPOSITORY / model),
            "model_version": "1", "model_name": model}


def test_host_inputs_are_checked_for_nan_and_the_bls_checks_its_latents_once():
    repo = Repository(REPOSITORY, tiny_parameters("schnell"), device_memory=True)
    h, w = fp.latent_size(SIDE, SIDE, TINY.vae)
    bad = np.full((1, TINY.vae.z_channels, h, w), np.nan, np.float32)
    response = repo.execute("vae_decoder", [repo.request("vae_decoder", {"latents": bad})])[0]
    assert response.has_error() and "NaN" in response.error().message()

    dit = repo.models["dit_transformer"].instance
    dit.model = lambda **inputs: torch.full_like(inputs["img"], float("nan"))
    request = repo.request("bls", {"prompt": np.array([[b"a cat"]], dtype=object)})
    response = repo.execute("bls", [request])[0]
    repo.close()
    assert response.has_error()
    assert "dit_transformer: the denoised latents contain NaN" in response.error().message()
