"""Oracle: the small formulas of flux_pipeline.py against BFL's reference arrays.

Tolerances (absolute, from fixtures/README.md "Recommended tolerances", which measured the
same BFL code on CPU, against diffusers, and on an H200):
- packing, unpacking, img_ids, txt_ids, latent sizes: exact. They only move values around.
- schedules: 1e-6. BFL computes them in fp32 torch, this file in float64 then rounds; the two
  differ by at most 1.2e-7 (one fp32 ulp near 1), well under 1e-6; a wrong shift moves
  a sigma by > 1e-2.
- RoPE: 1e-5. Angles up to 61 rad carry ~2e-6 of fp32 rounding (diffusers differs by 2.2e-6
  from BFL); theta 1000 instead of 10000 moves entries by O(1).
- timestep embedding: 1e-4 for t in [0, 1]; 5e-4 for guidance up to 4 (angles up to
  ~4000 rad: the fp32 argument alone carries ~1e-4 of rounding in any implementation).
"""

import pytest
import torch

from oracle_setup import FIXTURE_TEXT_LENGTH, fp, max_abs_diff

ATOL_SCHEDULE = 1e-6
ATOL_ROPE = 1e-5
ATOL_TIMESTEP = 1e-4
ATOL_GUIDANCE = 5e-4


def test_full_config_has_the_published_flux_constants():
    """The oracle configs inherit these, so a changed default fails here by name first."""
    for variant in fp.VARIANTS:
        cfg = fp.full_config(variant)
        t, v = cfg.transformer, cfg.vae
        assert (t.in_channels, t.hidden_size, t.num_heads, t.mlp_ratio) == (64, 3072, 24, 4.0)
        assert (t.depth, t.depth_single_blocks, t.vec_in_dim, t.context_in_dim) == (19, 38, 768, 4096)
        assert (t.theta, tuple(t.axes_dim)) == (10_000, (16, 56, 56))
        assert t.guidance_embed == (variant == "dev")
        assert (v.ch, tuple(v.ch_mult), v.num_res_blocks, v.z_channels, v.norm_groups) == (
            128, (1, 2, 4, 4), 2, 16, 32)
        assert (v.scale_factor, v.shift_factor) == (0.3611, 0.1159)
        assert cfg.uses_shift == (variant == "dev")


def test_timestep_embedding_of_t(cases):
    got = fp.timestep_embedding(cases["ts_embed_t"], 256)
    assert max_abs_diff(got, cases["ts_embed_out"]) <= ATOL_TIMESTEP


def test_timestep_embedding_of_guidance(cases):
    got = fp.timestep_embedding(cases["ts_embed_guidance"], 256)
    assert max_abs_diff(got, cases["ts_embed_guidance_out"]) <= ATOL_GUIDANCE


def test_rope_of_the_transformer(cases, transformers):
    """The EmbedND the dev transformer built from its config, on txt, grid and odd ids."""
    got = transformers["dev"].pe_embedder(cases["rope_ids"])
    assert max_abs_diff(got, cases["rope_pe"]) <= ATOL_ROPE


@pytest.mark.parametrize("prefix", ["", "rect_"])
def test_packing(cases, prefix):
    assert torch.equal(fp.pack_latents(cases[f"{prefix}pack_in"]), cases[f"{prefix}pack_out"])


def test_unpacking(cases):
    h, w = fp.latent_size(int(cases["pixel_h"]), int(cases["pixel_w"]), fp.full_config("dev").vae)
    assert torch.equal(fp.unpack_latents(cases["unpack_in"], h, w), cases["unpack_out"])


def test_unpacking_a_non_square_latent(cases):
    vae = fp.full_config("dev").vae
    h, w = fp.latent_size(int(cases["rect_pixel_h"]), int(cases["rect_pixel_w"]), vae)
    assert torch.equal(fp.unpack_latents(cases["rect_pack_out"], h, w), cases["rect_pack_in"])


@pytest.mark.parametrize("prefix", ["", "rect_"])
def test_latent_size_of_the_pixel_size(cases, prefix):
    latent = cases[f"{prefix}pack_in"].shape[-2:]
    size = fp.latent_size(int(cases[f"{prefix}pixel_h"]), int(cases[f"{prefix}pixel_w"]),
                          fp.full_config("dev").vae)
    assert size == tuple(latent)


@pytest.mark.parametrize("prefix", ["", "rect_"])
def test_img_ids(cases, prefix):
    h, w = cases[f"{prefix}pack_in"].shape[-2:]
    assert torch.equal(fp.prepare_img_ids(h, w), cases[f"{prefix}img_ids"][0])


def test_txt_ids(cases):
    assert torch.equal(fp.prepare_txt_ids(FIXTURE_TEXT_LENGTH), cases["txt_ids"][0])


@pytest.mark.parametrize("name", ["sched_4_4096_noshift", "sched_4_1024_noshift",
                                  "sched_28_4096_shift", "sched_50_1024_shift",
                                  "sched_28_8192_shift", "sched_20_256_shift"])
def test_schedule(cases, name):
    _, steps, tokens, shift = name.split("_")
    got = fp.flow_match_sigmas(int(steps), int(tokens), shift == "shift")
    assert max_abs_diff(got, cases[name]) <= ATOL_SCHEDULE


def test_initial_noise_is_bfl_get_noise(cases):
    """Seed 0's noise is the first sample of BFL's get_noise(seed=0): same CPU generator."""
    _, channels, h, w = cases["e2e_noise"].shape
    assert torch.equal(fp.initial_noise(0, channels, h, w), cases["e2e_noise"][:1])
