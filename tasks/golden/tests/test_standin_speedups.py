"""The opt-in speed-up parameters (issue 10) and the removed per-step overheads, on CPU.

Run from the workspace root: python -m pytest tests/test_standin_speedups.py -q
compile is a GPU-only option (ignored on a CPU instance); bench/gpu measures it on a GPU.
"""

import os
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
    on_gpu = utils.speedups_from("vae_decoder", parameters, gpu=True)
    assert on_gpu == utils.Speedups("max-autotune", "/cache", True, ((1024, 1024, 1), (512, 512, 4)))
    assert utils.speedups_from("vae_decoder", parameters, gpu=False).compile == "off"
    assert utils.speedups_from("vae_decoder", {}, gpu=True) == utils.Speedups()
    transformer = utils.speedups_from("dit_transformer", {"compile_scope": "whole", "fp8": "e4m3",
                                                          "attention": "cudnn"}, gpu=True)
    assert (transformer.compile_scope, transformer.fp8, transformer.attention) == \
        ("whole", "e4m3", "cudnn")


@pytest.mark.parametrize("model, key, value, message", [
    ("vae_decoder", "compile", "fast", r"parameter 'compile' must be one of off, default"),
    ("vae_decoder", "warmup", "1024x1024", r"parameter 'warmup' takes HEIGHTxWIDTHxBATCH"),
    ("vae_decoder", "channels_last", "yes", r"parameter 'channels_last' must be 'true' or 'false'"),
    ("dit_transformer", "fp8", "e5m2", r"parameter 'fp8' must be one of off, e4m3; got 'e5m2'"),
    ("dit_transformer", "attention", "fast", r"parameter 'attention' must be one of default, flash"),
    ("dit_transformer", "compile_scope", "layers", r"parameter 'compile_scope' must be one of blocks"),
    ("dit_transformer", "compile", "reduce-overhead", r"parameter 'compile' 'reduce-overhead' records "
                                                      r"CUDA graphs, which a per-block compile cannot"),
    ("dit_transformer", "attention", "cudnn", r"parameter 'attention': backend 'cudnn' cannot run "
                                              r"float32 attention of head width 16 on (cpu|cuda:0)")])
def test_a_bad_speedup_parameter_fails_the_load_naming_it(model, key, value, message):
    with pytest.raises(ValueError, match=rf"{model}: {message}"):
        load(model, **{key: value})


@pytest.mark.parametrize("model, key, value, takers", [
    ("vae_decoder", "fp8", "e4m3", "dit_transformer"),
    ("t5_encoder", "attention", "flash", "dit_transformer"),
    ("t5_encoder", "channels_last", "true", "vae_decoder")])
def test_a_speedup_parameter_on_a_model_it_does_not_apply_to_is_refused(model, key, value, takers):
    # A config.pbtxt the user edited: the harness passes only keys the golden config lists.
    with pytest.raises(ValueError, match=rf"{model}: parameter '{key}' applies to {takers} only"):
        utils.speedups_from(model, {key: value}, gpu=True)


def test_every_speedup_defaults_to_off_in_the_configs():
    for model in ("clip_encoder", "t5_encoder", "dit_transformer", "vae_decoder"):
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


def test_text_encoder_warmup_runs_each_batch_at_load(monkeypatch):
    for model, length in (("clip_encoder", fp.CLIP_MAX_LENGTH),
                          ("t5_encoder", TINY.max_sequence_length)):
        repo = load(model)
        model_class = type(repo.models[model].instance)
        repo.close()
        shapes, real_compute = [], model_class.compute
        monkeypatch.setattr(model_class, "compute",
                            lambda self, ids, real=real_compute: shapes.append(tuple(ids.shape))
                            or real(self, ids))
        model_class().initialize(_args(model, warmup=f"{SIDE}x{SIDE}x1,{SIDE}x{SIDE}x3"))
        assert shapes == [(1, length), (3, length)], model


def test_compile_scope_blocks_compiles_each_transformer_block_and_whole_the_network(monkeypatch):
    network = fp.load_transformer(tiny_parameters("schnell")["weights_dir"], "schnell")
    doubles, singles = list(network.double_blocks), list(network.single_blocks)
    compiled = []
    monkeypatch.setattr(torch, "compile", lambda module, **kwargs: compiled.append(
        (module, kwargs)) or torch.nn.Identity())
    served = utils.apply_speedups(network, utils.Speedups("default"), "dit_transformer")
    assert served is network
    assert [module for module, _ in compiled] == doubles + singles
    assert all(kwargs == {"mode": "default", "dynamic": False} for _, kwargs in compiled)
    assert all(isinstance(b, torch.nn.Identity) for b in [*network.double_blocks, *network.single_blocks])
    compiled.clear()
    whole = fp.load_transformer(tiny_parameters("schnell")["weights_dir"], "schnell")
    utils.apply_speedups(whole, utils.Speedups("default", compile_scope="whole"), "m")
    assert [module for module, _ in compiled] == [whole]
    with pytest.raises(ValueError, match="records CUDA graphs"):
        utils.apply_speedups(whole, utils.Speedups("max-autotune"), "dit_transformer")
    whole_graphs = utils.speedups_from("dit_transformer", {"compile": "max-autotune",
                                                           "compile_scope": "whole"}, gpu=True)
    assert (whole_graphs.compile, whole_graphs.compile_scope) == ("max-autotune", "whole")
    compiled.clear()
    vae = fp.load_vae_decoder(tiny_parameters("schnell")["weights_dir"], torch.float32)
    utils.apply_speedups(vae, utils.Speedups("default"), "vae_decoder")  # no blocks: whole
    assert [module for module, _ in compiled] == [vae]


def transformer_inputs(batch: int, sigma: float, seed: int) -> dict:
    """Random dit_transformer inputs for a SIDE x SIDE image of the tiny models."""
    rng = np.random.default_rng(seed)
    h, w = fp.latent_size(SIDE, SIDE, TINY.vae)
    tokens, text, c = (h // 2) * (w // 2), TINY.max_sequence_length, TINY.transformer
    return {"hidden_states": rng.standard_normal((batch, tokens, c.in_channels), np.float32),
            "encoder_hidden_states": rng.standard_normal((batch, text, c.context_in_dim), np.float32),
            "pooled_projections": rng.standard_normal((batch, c.vec_in_dim), np.float32),
            "timestep": np.full((batch, 1), sigma, np.float32),
            "img_ids": np.zeros((batch, tokens, 3), np.float32),
            "txt_ids": np.zeros((batch, text, 3), np.float32)}


def test_fp8_transformer_replaces_the_block_matmuls_and_stays_close_to_full_precision():
    inputs = transformer_inputs(batch=2, sigma=0.5, seed=0)
    plain = load("dit_transformer", dtype="float32")  # one repository at a time, as in a server
    expected = plain.infer("dit_transformer", inputs)["noise_pred"]
    plain.close()
    fast = load("dit_transformer", dtype="float32", fp8="e4m3")
    network = fast.models["dit_transformer"].instance.model
    fp8_layers = [m for m in network.modules() if isinstance(m, utils.Float8Linear)]
    # Per double block: q/k/v and proj, two MLP layers, for image and text; per single: 2.
    assert len(fp8_layers) == 8 * len(network.double_blocks) + 2 * len(network.single_blocks)
    assert all(isinstance(b.img_mod.lin, torch.nn.Linear) for b in network.double_blocks)
    got = fast.infer("dit_transformer", inputs)["noise_pred"]
    fast.close()
    relative = np.linalg.norm(got - expected) / np.linalg.norm(expected)
    # e4m3 keeps 3 mantissa bits (relative rounding up to 1/16 per element); with a scale per
    # row the errors average out over each dot product, to about 1% of the output here.
    assert 1e-5 < relative < 0.05, relative


def test_float8_linear_matches_a_dequantized_matmul():
    # On the device the tests run on (TRITON_STANDIN_KIND=GPU runs them on CUDA too, whose
    # row-scaled matmul writes bfloat16: compared at bfloat16's precision there).
    device = "cuda" if os.environ.get("TRITON_STANDIN_KIND") == "GPU" else "cpu"
    utils.check_fp8_supported("test", torch.device(device))
    torch.manual_seed(0)
    linear = torch.nn.Linear(64, 48).to(device)
    layer = utils.Float8Linear(linear)
    x = torch.randn(3, 5, 64, device=device)
    x[0, 0] *= 100  # an outlier token: its own scale keeps the others precise
    rows = x.reshape(-1, 64)
    scale = rows.abs().amax(dim=1, keepdim=True) / utils.E4M3_MAX
    dequantized = (rows / scale).to(torch.float8_e4m3fn).float() * scale
    weight = layer.weight_fp8.float() * layer.weight_scale.t()
    expected = (dequantized @ weight.t() + linear.bias).detach().reshape(3, 5, 48)
    with torch.no_grad():
        got = layer(x)
        exact = linear(x)
    tolerance = 1e-5 if device == "cpu" else 1e-2
    torch.testing.assert_close(got, expected, rtol=tolerance, atol=tolerance * float(expected.abs().max()))
    assert got.shape == (3, 5, 48) and got.dtype == x.dtype
    others = (got - exact)[1:].norm() / exact[1:].norm()
    assert others < 0.05, others


def test_attention_backend_wraps_each_block_and_decodes_the_same_velocity():
    inputs = transformer_inputs(batch=1, sigma=0.25, seed=1)
    plain = load("dit_transformer")
    expected = plain.infer("dit_transformer", inputs)["noise_pred"]
    plain.close()
    math = load("dit_transformer", attention="math")
    network = math.models["dit_transformer"].instance.model
    blocks = [*network.double_blocks, *network.single_blocks]
    assert blocks and all(isinstance(b, utils.AttentionBackendBlock) for b in blocks)
    got = math.infer("dit_transformer", inputs)["noise_pred"]
    math.close()
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
