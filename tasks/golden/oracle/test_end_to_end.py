"""Oracle: FluxPipeline's sampling loop, decode and uint8 conversion against BFL's run.

From the same noise and text embeddings (no text encoders: the fixture has none), 4 Euler
steps: schnell on the plain schedule, dev on the shifted one with guidance 3.5, each through
`FluxPipeline.sample` (the part of `__call__` after encoding), then `decode` and
`to_uint8_images`.

Tolerances (fixtures/README.md "Recommended tolerances"):
- latents and decoded images: 1e-4 absolute in fp32 (diffusers' pipeline differs from BFL
  by 2.3e-6, BFL on a GPU by 1.2e-5; a dev run without the schedule shift moves the
  latents by 0.6).
- uint8 images: the arrays made with diffusers' conversion, which `to_uint8_images`
  implements (round half to even of clamp(x/2 + 0.5, 0, 1) * 255): at most 1 level
  anywhere and on at most 0.1% of the values, for pixels that sit on a rounding boundary.
  BFL's own CLI truncates instead; that differs by 1 on ~48% of values, so the 0.1% bound
  also tells the two conversions apart.
"""

import numpy as np
import pytest
import torch

from oracle_setup import fixture_config, fp, max_abs_diff

ATOL_FP32 = 1e-4
ATOL_SCHEDULE = 1e-6  # as in test_sampling_math.py: fp32 vs float64 rounding is 1.2e-7
MAX_LEVELS = 1
MAX_DIFFERING_FRACTION = 1e-3
STEPS = 4


@pytest.fixture(scope="module")
def runs(cases, transformers, vae):
    """variant -> (sigmas, latents, decoded, uint8 images) from the project's pipeline."""
    out = {}
    for variant in fp.VARIANTS:
        # Defaults (steps, sizes) of the full config do not matter: steps are given.
        pipe = fp.FluxPipeline(fixture_config(variant), clip=None, t5=None,
                               transformer=transformers[variant], vae=vae,
                               clip_tokenizer=None, t5_tokenizer=None, dtype=torch.float32)
        latents = pipe.sample(cases["e2e_noise"], cases["e2e_y"], cases["e2e_txt"], STEPS,
                              float(cases["e2e_guidance"]))
        decoded = pipe.decode(latents)
        tokens = fp.pack_latents(cases["e2e_noise"]).shape[1]
        sigmas = fp.flow_match_sigmas(STEPS, tokens, pipe.config.uses_shift)
        out[variant] = sigmas, latents, decoded, fp.to_uint8_images(decoded).numpy()
    return out


@pytest.mark.parametrize("variant", fp.VARIANTS)
def test_schedule_the_pipeline_uses(cases, runs, variant):
    assert max_abs_diff(runs[variant][0], cases[f"e2e_timesteps_{variant}"]) <= ATOL_SCHEDULE


@pytest.mark.parametrize("variant", fp.VARIANTS)
def test_sampled_latents(cases, runs, variant):
    assert max_abs_diff(runs[variant][1], cases[f"e2e_latents_{variant}"]) <= ATOL_FP32


@pytest.mark.parametrize("variant", fp.VARIANTS)
def test_decoded_images(cases, runs, variant):
    assert max_abs_diff(runs[variant][2], cases[f"e2e_decoded_{variant}"]) <= ATOL_FP32


@pytest.mark.parametrize("variant", fp.VARIANTS)
def test_uint8_images(cases, runs, variant):
    got, expected = runs[variant][3], cases[f"e2e_image_{variant}"]
    assert got.dtype == np.uint8 and got.shape == expected.shape, (got.dtype, got.shape)
    diff = np.abs(got.astype(np.int16) - expected.astype(np.int16))
    differing = float((diff > 0).mean())
    assert diff.max() <= MAX_LEVELS, f"max {diff.max()} levels"
    assert differing <= MAX_DIFFERING_FRACTION, f"{differing:.2%} of values differ"

