"""What every oracle test needs: the module under test, its fixture configs, the weights.

The oracle compares `flux_pipeline.py` with arrays computed by Black Forest Labs' own code
(fixtures/README.md says how), not with itself. Which `flux_pipeline.py` is tested:
`$FLUX_PIPELINE_DIR/flux_pipeline.py` when that variable is set (scripts/mutation-check.py
points it at a scratch copy with one planted error), else `tasks/context/flux_pipeline.py`.

Everything runs on CPU in fp32 unless a test says bf16.
"""

from __future__ import annotations

import dataclasses
import importlib.util
import os
import sys
from pathlib import Path
from types import ModuleType

import torch

FIXTURES = Path(__file__).resolve().parent / "fixtures"
REPO = Path(__file__).resolve().parents[3]
PIPELINE_DIR = Path(os.environ.get("FLUX_PIPELINE_DIR") or REPO / "tasks" / "context")

# The fixture's transformer is the full FLUX.1 one with fewer, narrower layers (head dim 128
# as in the real model); its VAE decoder is the real one with ch 32 instead of 128.
FIXTURE_TRANSFORMER_SIZES = dict(vec_in_dim=32, context_in_dim=64, hidden_size=256,
                                 num_heads=2, depth=2, depth_single_blocks=2)
FIXTURE_VAE_SIZES = dict(ch=32)
FIXTURE_TEXT_LENGTH = 8
INT8_STEP = 2.0 ** -9  # fixtures/README.md "Storage": value = int8 code x 2^-9 exactly


def _import_pipeline() -> ModuleType:
    path = PIPELINE_DIR / "flux_pipeline.py"
    if not path.is_file():
        raise FileNotFoundError(f"no flux_pipeline.py in {PIPELINE_DIR} (FLUX_PIPELINE_DIR)")
    spec = importlib.util.spec_from_file_location("flux_pipeline", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["flux_pipeline"] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


fp = _import_pipeline()


def dequantised(name: str) -> dict[str, torch.Tensor]:
    """The fixture's state dict by BFL key names, int8 codes turned back into exact fp32."""
    from safetensors.torch import load_file
    return {key: value.float() * INT8_STEP if value.dtype == torch.int8 else value
            for key, value in load_file(str(FIXTURES / name)).items()}


def fixture_config(variant: str):
    """`full_config(variant)` with only the fixture's sizes changed: theta, axes_dim,
    in_channels, guidance embedding, VAE levels, groups, scale and shift stay the project's."""
    full = fp.full_config(variant)
    return dataclasses.replace(
        full,
        transformer=dataclasses.replace(full.transformer, **FIXTURE_TRANSFORMER_SIZES),
        vae=dataclasses.replace(full.vae, **FIXTURE_VAE_SIZES),
        max_sequence_length=FIXTURE_TEXT_LENGTH)


def load_strict(factory, state: dict) -> torch.nn.Module:
    """The same strict loading path real checkpoints take (meta device, strict, assign)."""
    return fp._load_safetensors_strict(factory, state).float().eval()


def fixture_transformer(variant: str) -> torch.nn.Module:
    """The project's FluxTransformer for the variant with the fixture weights, fp32."""
    return load_strict(lambda: fp.FluxTransformer(fixture_config(variant).transformer),
                       dequantised(f"transformer_{variant}.safetensors"))


def max_abs_diff(got: torch.Tensor, expected: torch.Tensor) -> float:
    assert got.shape == expected.shape, f"shape {tuple(got.shape)} != {tuple(expected.shape)}"
    return (got.float() - expected.float()).abs().max().item()
