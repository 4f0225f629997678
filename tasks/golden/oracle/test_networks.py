"""Oracle: the transformer and the VAE decoder against BFL's outputs on the same weights.

The weights are loaded by BFL key names with strict=True, so a renamed, missing or extra
parameter fails loading before any number is compared.

Tolerances (absolute, fixtures/README.md "Recommended tolerances"):
- fp32 transformer and VAE: 1e-4. On CPU this code differs from BFL by < 1e-6 (diffusers:
  9.5e-7, 2.4e-6); the same BFL code on a GPU differs by up to 1.8e-5, so 1e-4 keeps margin
  for running these tests there. Every planted error in the README moves the output by
  >= 0.025 (RMSNorm gains ignored), far above it.
- bf16 transformer: 5e-2 max (about three bf16 ulps for |x| in [2, 4); BFL bf16 on a GPU
  differs by 0.016) and mean < 1e-2. RoPE-theta and RMSNorm-gain errors are below this,
  which is why the fp32 comparison exists.
"""

import pytest
import torch

from oracle_setup import fixture_transformer, max_abs_diff

ATOL_FP32 = 1e-4
ATOL_BF16_MAX = 5e-2
ATOL_BF16_MEAN = 1e-2


def forward(model: torch.nn.Module, cases: dict, dtype: torch.dtype) -> torch.Tensor:
    """Flux.forward on the tf_* inputs; ids stay fp32 as BFL's prepare() leaves them."""
    with torch.no_grad():
        return model.to(dtype)(
            img=cases["tf_img"].to(dtype), img_ids=cases["tf_img_ids"],
            txt=cases["tf_txt"].to(dtype), txt_ids=cases["tf_txt_ids"],
            timesteps=cases["tf_timesteps"].to(dtype), y=cases["tf_y"].to(dtype),
            guidance=cases["tf_guidance"].to(dtype)).float()


@pytest.mark.parametrize("variant", ["dev", "schnell"])
def test_transformer_fp32(cases, transformers, variant):
    got = forward(transformers[variant], cases, torch.float32)
    assert max_abs_diff(got, cases[f"tf_out_{variant}"]) <= ATOL_FP32


@pytest.mark.parametrize("variant", ["dev", "schnell"])
def test_transformer_bf16(cases, variant):
    # A copy of its own: casting the shared one to bf16 and back would round its fp32 gains.
    got = forward(fixture_transformer(variant), cases, torch.bfloat16)
    expected = cases[f"tf_out_{variant}_bf16"]
    assert max_abs_diff(got, expected) <= ATOL_BF16_MAX
    assert (got - expected).abs().mean().item() < ATOL_BF16_MEAN


def test_schnell_ignores_guidance(cases, transformers):
    """schnell has no guidance_in: without guidance it gives the same output as with it."""
    with torch.no_grad():
        got = transformers["schnell"](
            img=cases["tf_img"], img_ids=cases["tf_img_ids"], txt=cases["tf_txt"],
            txt_ids=cases["tf_txt_ids"], timesteps=cases["tf_timesteps"], y=cases["tf_y"],
            guidance=None)
    assert max_abs_diff(got, cases["tf_out_schnell"]) <= ATOL_FP32


def test_vae_decoder_with_three_upsampling_levels(cases, vae):
    """vae_z in the transformer's space; the decoder must apply z / 0.3611 + 0.1159 itself."""
    with torch.no_grad():
        got = vae(cases["vae_z"])
    assert got.shape[-2:] == tuple(8 * n for n in cases["vae_z"].shape[-2:])
    assert max_abs_diff(got, cases["vae_out"]) <= ATOL_FP32
