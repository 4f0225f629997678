"""Session fixtures of the oracle tests (helpers and the module under test: oracle_setup.py)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from oracle_setup import FIXTURES, dequantised, fixture_config, fixture_transformer, fp, load_strict


@pytest.fixture(scope="session")
def cases() -> dict[str, torch.Tensor | np.ndarray]:
    """cases.npz: float arrays as torch tensors, uint8 images and int64 scalars as numpy."""
    with np.load(FIXTURES / "cases.npz") as data:
        return {key: torch.from_numpy(data[key]) if data[key].dtype == np.float32 else data[key]
                for key in data.files}


@pytest.fixture(scope="session")
def transformers() -> dict[str, torch.nn.Module]:
    """The project's FluxTransformer per variant, fp32, with the fixture weights (read only:
    a test that needs another dtype loads its own copy with `fixture_transformer`)."""
    return {variant: fixture_transformer(variant) for variant in fp.VARIANTS}


@pytest.fixture(scope="session")
def vae() -> torch.nn.Module:
    """The project's VAEDecoder (ch_mult (1, 2, 4, 4): three 2x upsamples), fp32."""
    return load_strict(lambda: fp.VAEDecoder(fixture_config("dev").vae),
                       dequantised("vae_decoder.safetensors"))
