"""FLUX.1 text-to-image inference in plain PyTorch: the reference every agent works from.

Read top to bottom:
  1. configurations (full size and tiny),
  2. the transformer (BFL "Flux" model: double/single stream blocks, RoPE, QK-RMSNorm),
  3. the VAE decoder (BFL "Decoder"),
  4. the sampling math (packing, ids, flow-matching schedule, Euler loop, postprocess),
  5. loading (real checkpoints, or tiny seeded random weights) and tokenizers,
  6. `FluxPipeline`, which strings it together, and a small CLI.

The Triton models import the network definitions and the sampling helpers from this file,
so the served model and this reference share one implementation of the math.

Real weights
------------
The transformer and the VAE use Black Forest Labs' single-file key names
(`img_in`, `double_blocks.0.img_attn.qkv`, `decoder.up.3.upsample.conv`, ...), so the
published checkpoints load with `load_state_dict(strict=True)`:

  <weights_dir>/flux1-schnell.safetensors   transformer, variant "schnell" (bf16 file)
  <weights_dir>/flux1-dev.safetensors       transformer, variant "dev" (adds guidance_in.*)
  <weights_dir>/ae.safetensors              autoencoder; only the 138 `decoder.*` keys are
                                            used (strictly), `encoder.*` is skipped on purpose
  <weights_dir>/text_encoder/               CLIP ViT-L/14 text model, Hugging Face format
  <weights_dir>/text_encoder_2/             T5 v1.1 XXL encoder, Hugging Face format
  <weights_dir>/tokenizer/                  CLIP tokenizer files
  <weights_dir>/tokenizer_2/                T5 tokenizer files

The safetensors files are read with `safetensors.torch.load_file`; each tensor keeps the
dtype stored in the file (bf16 transformer, most likely fp32 autoencoder), the modules are
built on the meta device and filled with `assign=True`, then cast once to the requested
compute dtype. Text encoders and tokenizers load with `local_files_only=True`: nothing is
ever downloaded.

Tiny mode
---------
`weights_dir="tiny"` (or "tiny:<seed>") builds every component from the tiny configs with
seeded random weights, plus in-process word-level tokenizers (CLIP-style and T5-style).
Each component is seeded on its own (seed + a fixed offset), so a Triton model that builds
only its own component gets exactly the weights `build_tiny_pipeline(seed)` gets.

CLI:  python flux_pipeline.py --tiny --prompt "a cat" --out image.png
"""

from __future__ import annotations

import argparse
import math
import struct
import sys
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor, nn

# --------------------------------------------------------------------------------------
# 1. Configurations
# --------------------------------------------------------------------------------------

VARIANTS = ("dev", "schnell")
TRANSFORMER_FILES = {"dev": "flux1-dev.safetensors", "schnell": "flux1-schnell.safetensors"}
AE_FILE = "ae.safetensors"
CLIP_MAX_LENGTH = 77
TINY_PREFIX = "tiny"


@dataclass(frozen=True)
class TransformerConfig:
    in_channels: int = 64  # packed: 16 latent channels x a 2x2 patch
    hidden_size: int = 3072
    num_heads: int = 24
    depth: int = 19  # double-stream blocks
    depth_single_blocks: int = 38
    context_in_dim: int = 4096  # T5 hidden size
    vec_in_dim: int = 768  # CLIP pooled size
    mlp_ratio: float = 4.0
    axes_dim: tuple[int, ...] = (16, 56, 56)  # RoPE dims per id axis; sums to head dim
    theta: int = 10_000
    guidance_embed: bool = False  # True for dev


@dataclass(frozen=True)
class VAEConfig:
    ch: int = 128
    ch_mult: tuple[int, ...] = (1, 2, 4, 4)
    num_res_blocks: int = 2  # the decoder runs num_res_blocks + 1 per level
    z_channels: int = 16
    out_ch: int = 3
    norm_groups: int = 32
    scale_factor: float = 0.3611
    shift_factor: float = 0.1159

    @property
    def spatial_scale(self) -> int:
        """Image pixels per latent pixel: one 2x upsample per level but the first."""
        return 2 ** (len(self.ch_mult) - 1)


@dataclass(frozen=True)
class FluxConfig:
    variant: str
    transformer: TransformerConfig
    vae: VAEConfig
    max_sequence_length: int  # T5 tokens
    default_height: int
    default_width: int
    default_steps: int
    default_guidance: float = 3.5

    @property
    def uses_shift(self) -> bool:
        """dev uses the resolution-dependent schedule shift; schnell does not."""
        return self.variant == "dev"

    @property
    def latent_channels(self) -> int:
        return self.vae.z_channels

    @property
    def size_multiple(self) -> int:
        """Height/width must divide into whole 2x2 patches of latent pixels."""
        return 2 * self.vae.spatial_scale


def _check_variant(variant: str) -> None:
    if variant not in VARIANTS:
        raise ValueError(f"variant must be one of {VARIANTS}, got {variant!r}")


def full_config(variant: str) -> FluxConfig:
    _check_variant(variant)
    dev = variant == "dev"
    return FluxConfig(
        variant=variant,
        transformer=TransformerConfig(guidance_embed=dev),
        vae=VAEConfig(),
        max_sequence_length=512 if dev else 256,
        default_height=1024,
        default_width=1024,
        default_steps=28 if dev else 4,
    )


# Tiny sizes follow diffusers' own FLUX tests, but keep every structural path of the full
# model: 2 latent channels (so the (c, dy, dx) packing order matters) and in_channels 8 = a
# 2x2 patch of them; two VAE levels (one 2x upsample, a channel change, so nin_shortcut)
# with 4 GroupNorm groups; the dev variant has the guidance embedding. The image is twice
# the latent, so height and width must be multiples of 4.
TINY_CLIP = dict(vocab_size=1000, hidden_size=32, num_hidden_layers=5, num_attention_heads=4,
                 intermediate_size=37, projection_dim=32, max_position_embeddings=CLIP_MAX_LENGTH,
                 hidden_act="gelu", bos_token_id=0, eos_token_id=1, pad_token_id=1)
TINY_T5 = dict(vocab_size=1000, d_model=32, d_kv=8, d_ff=37, num_layers=2, num_heads=4,
               relative_attention_num_buckets=8, feed_forward_proj="gated-gelu", dropout_rate=0.0,
               pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)


def tiny_config(variant: str) -> FluxConfig:
    _check_variant(variant)
    return FluxConfig(
        variant=variant,
        transformer=TransformerConfig(
            in_channels=8, hidden_size=32, num_heads=2, depth=1, depth_single_blocks=1,
            context_in_dim=TINY_T5["d_model"], vec_in_dim=TINY_CLIP["hidden_size"],
            axes_dim=(4, 4, 8), guidance_embed=variant == "dev"),
        vae=VAEConfig(ch=8, ch_mult=(1, 2), num_res_blocks=1, z_channels=2, norm_groups=4),
        max_sequence_length=48,
        default_height=16,
        default_width=16,
        default_steps=2,
    )


def is_tiny(weights_dir: str | Path | None) -> bool:
    text = str(weights_dir or "")
    return text == TINY_PREFIX or text.startswith(TINY_PREFIX + ":")


def tiny_seed(weights_dir: str) -> int:
    """"tiny" -> 0, "tiny:7" -> 7."""
    _, _, seed = str(weights_dir).partition(":")
    return int(seed) if seed else 0


def config_for(weights_dir: str | Path, variant: str) -> FluxConfig:
    return tiny_config(variant) if is_tiny(weights_dir) else full_config(variant)


# --------------------------------------------------------------------------------------
# 2. Transformer (BFL module and parameter names, so real checkpoints load strictly)
# --------------------------------------------------------------------------------------

def timestep_embedding(t: Tensor, dim: int = 256, max_period: float = 10_000.0,
                       time_factor: float = 1000.0) -> Tensor:
    """Sinusoidal embedding of t in [0, 1] (scaled by 1000 here), cosine half first."""
    t = time_factor * t
    half = dim // 2
    freqs = torch.exp(-math.log(max_period) * torch.arange(half, dtype=torch.float32,
                                                            device=t.device) / half)
    args = t[:, None].float() * freqs[None]
    embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    return embedding.to(t.dtype) if torch.is_floating_point(t) else embedding


def rope(pos: Tensor, dim: int, theta: int) -> Tensor:
    """2x2 rotation matrices (..., L, dim/2, 2, 2) for one id axis, in fp32."""
    scale = torch.arange(0, dim, 2, dtype=torch.float64, device=pos.device) / dim
    omega = 1.0 / (theta ** scale)
    angles = pos.to(torch.float64)[..., None] * omega
    cos, sin = torch.cos(angles), torch.sin(angles)
    rot = torch.stack([cos, -sin, sin, cos], dim=-1)
    return rot.reshape(*rot.shape[:-1], 2, 2).float()


def apply_rope(xq: Tensor, xk: Tensor, pe: Tensor) -> tuple[Tensor, Tensor]:
    """Rotate interleaved adjacent pairs (x0, x1) of the head dim, in fp32."""
    def rotate(x: Tensor) -> Tensor:
        pairs = x.float().reshape(*x.shape[:-1], -1, 1, 2)
        out = pe[..., 0] * pairs[..., 0] + pe[..., 1] * pairs[..., 1]
        return out.reshape(*x.shape).type_as(x)
    return rotate(xq), rotate(xk)


def attention(q: Tensor, k: Tensor, v: Tensor, pe: Tensor) -> Tensor:
    """RoPE + plain SDPA over (B, heads, L, D); returns (B, L, heads*D)."""
    q, k = apply_rope(q, k, pe)
    x = F.scaled_dot_product_attention(q, k, v)
    b, h, length, d = x.shape
    return x.transpose(1, 2).reshape(b, length, h * d)


def split_heads(qkv: Tensor, num_heads: int) -> tuple[Tensor, Tensor, Tensor]:
    """(B, L, 3*H*D) laid out [q | k | v], head-major -> three (B, H, L, D)."""
    b, length, _ = qkv.shape
    qkv = qkv.reshape(b, length, 3, num_heads, -1).permute(2, 0, 3, 1, 4)
    return qkv[0], qkv[1], qkv[2]


class EmbedND(nn.Module):
    """RoPE for (axis0, row, col) ids: one rotation block per axis, concatenated."""

    def __init__(self, theta: int, axes_dim: Sequence[int]):
        super().__init__()
        self.theta = theta
        self.axes_dim = tuple(axes_dim)

    def forward(self, ids: Tensor) -> Tensor:  # ids (B, L, n_axes) -> (B, 1, L, D/2, 2, 2)
        emb = torch.cat([rope(ids[..., i], d, self.theta) for i, d in enumerate(self.axes_dim)],
                        dim=-3)
        return emb.unsqueeze(1)


class MLPEmbedder(nn.Module):
    def __init__(self, in_dim: int, hidden_dim: int):
        super().__init__()
        self.in_layer = nn.Linear(in_dim, hidden_dim)
        self.silu = nn.SiLU()
        self.out_layer = nn.Linear(hidden_dim, hidden_dim)

    def forward(self, x: Tensor) -> Tensor:
        return self.out_layer(self.silu(self.in_layer(x)))


class RMSNorm(nn.Module):
    def __init__(self, dim: int):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(dim))

    def forward(self, x: Tensor) -> Tensor:
        dtype = x.dtype
        x = x.float()
        rrms = torch.rsqrt(torch.mean(x ** 2, dim=-1, keepdim=True) + 1e-6)
        return (x * rrms).to(dtype) * self.scale


class QKNorm(nn.Module):
    def __init__(self, head_dim: int):
        super().__init__()
        self.query_norm = RMSNorm(head_dim)
        self.key_norm = RMSNorm(head_dim)

    def forward(self, q: Tensor, k: Tensor, v: Tensor) -> tuple[Tensor, Tensor]:
        return self.query_norm(q).to(v), self.key_norm(k).to(v)


class SelfAttention(nn.Module):
    """Holds the weights of one stream's attention; the joint attention runs in the block."""

    def __init__(self, dim: int, num_heads: int):
        super().__init__()
        self.num_heads = num_heads
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.norm = QKNorm(dim // num_heads)
        self.proj = nn.Linear(dim, dim)


@dataclass
class ModulationOut:
    shift: Tensor
    scale: Tensor
    gate: Tensor


class Modulation(nn.Module):
    """lin(SiLU(vec)) -> (shift, scale, gate) once (single) or twice (double)."""

    def __init__(self, dim: int, double: bool):
        super().__init__()
        self.is_double = double
        self.multiplier = 6 if double else 3
        self.lin = nn.Linear(dim, self.multiplier * dim)

    def forward(self, vec: Tensor) -> tuple[ModulationOut, ModulationOut | None]:
        out = self.lin(F.silu(vec))[:, None, :].chunk(self.multiplier, dim=-1)
        first = ModulationOut(*out[:3])
        return first, ModulationOut(*out[3:]) if self.is_double else None


def modulate(norm: nn.Module, x: Tensor, mod: ModulationOut) -> Tensor:
    return (1 + mod.scale) * norm(x) + mod.shift


def _layer_norm(dim: int) -> nn.LayerNorm:
    return nn.LayerNorm(dim, elementwise_affine=False, eps=1e-6)  # no keys in the checkpoint


def _mlp(dim: int, hidden: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(dim, hidden), nn.GELU(approximate="tanh"), nn.Linear(hidden, dim))


class DoubleStreamBlock(nn.Module):
    """Separate weights for the image and text streams, one joint attention (txt first)."""

    def __init__(self, hidden_size: int, num_heads: int, mlp_ratio: float):
        super().__init__()
        mlp_hidden = int(hidden_size * mlp_ratio)
        self.num_heads = num_heads
        for stream in ("img", "txt"):
            setattr(self, f"{stream}_mod", Modulation(hidden_size, double=True))
            setattr(self, f"{stream}_norm1", _layer_norm(hidden_size))
            setattr(self, f"{stream}_attn", SelfAttention(hidden_size, num_heads))
            setattr(self, f"{stream}_norm2", _layer_norm(hidden_size))
            setattr(self, f"{stream}_mlp", _mlp(hidden_size, mlp_hidden))

    def _qkv(self, stream: str, x: Tensor, mod: ModulationOut) -> tuple[Tensor, Tensor, Tensor]:
        attn = getattr(self, f"{stream}_attn")
        q, k, v = split_heads(attn.qkv(modulate(getattr(self, f"{stream}_norm1"), x, mod)),
                              self.num_heads)
        q, k = attn.norm(q, k, v)
        return q, k, v

    def _residual(self, stream: str, x: Tensor, attn_out: Tensor, mod1: ModulationOut,
                  mod2: ModulationOut) -> Tensor:
        x = x + mod1.gate * getattr(self, f"{stream}_attn").proj(attn_out)
        mlp_in = modulate(getattr(self, f"{stream}_norm2"), x, mod2)
        return x + mod2.gate * getattr(self, f"{stream}_mlp")(mlp_in)

    def forward(self, img: Tensor, txt: Tensor, vec: Tensor, pe: Tensor) -> tuple[Tensor, Tensor]:
        img_mod1, img_mod2 = self.img_mod(vec)
        txt_mod1, txt_mod2 = self.txt_mod(vec)
        img_q, img_k, img_v = self._qkv("img", img, img_mod1)
        txt_q, txt_k, txt_v = self._qkv("txt", txt, txt_mod1)
        joint = attention(torch.cat((txt_q, img_q), dim=2), torch.cat((txt_k, img_k), dim=2),
                          torch.cat((txt_v, img_v), dim=2), pe=pe)
        txt_attn, img_attn = joint[:, : txt.shape[1]], joint[:, txt.shape[1]:]
        img = self._residual("img", img, img_attn, img_mod1, img_mod2)
        txt = self._residual("txt", txt, txt_attn, txt_mod1, txt_mod2)
        return img, txt


class SingleStreamBlock(nn.Module):
    """One stream over cat(txt, img); attention and MLP run in parallel from linear1."""

    def __init__(self, hidden_size: int, num_heads: int, mlp_ratio: float):
        super().__init__()
        self.hidden_size = hidden_size
        self.num_heads = num_heads
        self.mlp_hidden_dim = int(hidden_size * mlp_ratio)
        self.linear1 = nn.Linear(hidden_size, hidden_size * 3 + self.mlp_hidden_dim)
        self.linear2 = nn.Linear(hidden_size + self.mlp_hidden_dim, hidden_size)
        self.norm = QKNorm(hidden_size // num_heads)
        self.pre_norm = _layer_norm(hidden_size)
        self.mlp_act = nn.GELU(approximate="tanh")
        self.modulation = Modulation(hidden_size, double=False)

    def forward(self, x: Tensor, vec: Tensor, pe: Tensor) -> Tensor:
        mod, _ = self.modulation(vec)
        qkv, mlp = torch.split(self.linear1(modulate(self.pre_norm, x, mod)),
                               [3 * self.hidden_size, self.mlp_hidden_dim], dim=-1)
        q, k, v = split_heads(qkv, self.num_heads)
        q, k = self.norm(q, k, v)
        out = self.linear2(torch.cat((attention(q, k, v, pe=pe), self.mlp_act(mlp)), dim=2))
        return x + mod.gate * out


class LastLayer(nn.Module):
    def __init__(self, hidden_size: int, out_channels: int):
        super().__init__()
        self.norm_final = _layer_norm(hidden_size)
        self.linear = nn.Linear(hidden_size, out_channels)
        self.adaLN_modulation = nn.Sequential(nn.SiLU(), nn.Linear(hidden_size, 2 * hidden_size))

    def forward(self, x: Tensor, vec: Tensor) -> Tensor:
        shift, scale = self.adaLN_modulation(vec).chunk(2, dim=1)  # shift first (BFL order)
        x = (1 + scale[:, None, :]) * self.norm_final(x) + shift[:, None, :]
        return self.linear(x)


class FluxTransformer(nn.Module):
    """BFL `Flux`: predicts the flow-matching velocity for packed latents."""

    def __init__(self, config: TransformerConfig):
        super().__init__()
        c = config
        if c.hidden_size % c.num_heads or sum(c.axes_dim) != c.hidden_size // c.num_heads:
            raise ValueError("axes_dim must sum to the head dim hidden_size / num_heads")
        self.config = c
        self.pe_embedder = EmbedND(c.theta, c.axes_dim)
        self.img_in = nn.Linear(c.in_channels, c.hidden_size)
        self.time_in = MLPEmbedder(256, c.hidden_size)
        self.vector_in = MLPEmbedder(c.vec_in_dim, c.hidden_size)
        if c.guidance_embed:
            self.guidance_in = MLPEmbedder(256, c.hidden_size)
        self.txt_in = nn.Linear(c.context_in_dim, c.hidden_size)
        self.double_blocks = nn.ModuleList(
            DoubleStreamBlock(c.hidden_size, c.num_heads, c.mlp_ratio) for _ in range(c.depth))
        self.single_blocks = nn.ModuleList(
            SingleStreamBlock(c.hidden_size, c.num_heads, c.mlp_ratio)
            for _ in range(c.depth_single_blocks))
        self.final_layer = LastLayer(c.hidden_size, c.in_channels)

    def forward(self, img: Tensor, img_ids: Tensor, txt: Tensor, txt_ids: Tensor,
                timesteps: Tensor, y: Tensor, guidance: Tensor | None = None) -> Tensor:
        """img (B, L_img, in_ch), ids (B, L, 3), txt (B, L_txt, ctx), timesteps (B,) in [0, 1],
        y (B, vec_in_dim), guidance (B,) raw scale (dev only). Returns (B, L_img, in_ch)."""
        img = self.img_in(img)
        vec = self.time_in(timestep_embedding(timesteps, 256).to(img.dtype))
        if self.config.guidance_embed:
            if guidance is None:
                raise ValueError("this transformer (dev) needs a guidance value")
            vec = vec + self.guidance_in(timestep_embedding(guidance, 256).to(img.dtype))
        vec = vec + self.vector_in(y)
        txt = self.txt_in(txt)
        pe = self.pe_embedder(torch.cat((txt_ids, img_ids), dim=1))
        for block in self.double_blocks:
            img, txt = block(img=img, txt=txt, vec=vec, pe=pe)
        x = torch.cat((txt, img), dim=1)
        for block in self.single_blocks:
            x = block(x, vec=vec, pe=pe)
        return self.final_layer(x[:, txt.shape[1]:, ...], vec)


# --------------------------------------------------------------------------------------
# 3. VAE decoder (BFL autoencoder key names under `decoder.`)
# --------------------------------------------------------------------------------------

def swish(x: Tensor) -> Tensor:
    return x * torch.sigmoid(x)


def _group_norm(channels: int, groups: int) -> nn.GroupNorm:
    return nn.GroupNorm(num_groups=groups, num_channels=channels, eps=1e-6, affine=True)


class ResnetBlock(nn.Module):
    def __init__(self, in_channels: int, out_channels: int, groups: int):
        super().__init__()
        self.norm1 = _group_norm(in_channels, groups)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, stride=1, padding=1)
        self.norm2 = _group_norm(out_channels, groups)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, stride=1, padding=1)
        if in_channels != out_channels:  # only then does the checkpoint have the key
            self.nin_shortcut = nn.Conv2d(in_channels, out_channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        h = self.conv1(swish(self.norm1(x)))
        h = self.conv2(swish(self.norm2(h)))
        shortcut = self.nin_shortcut(x) if hasattr(self, "nin_shortcut") else x
        return shortcut + h


class AttnBlock(nn.Module):
    """Single-head self-attention over pixels, q/k/v/proj as 1x1 convs."""

    def __init__(self, channels: int, groups: int):
        super().__init__()
        self.norm = _group_norm(channels, groups)
        self.q = nn.Conv2d(channels, channels, 1)
        self.k = nn.Conv2d(channels, channels, 1)
        self.v = nn.Conv2d(channels, channels, 1)
        self.proj_out = nn.Conv2d(channels, channels, 1)

    def forward(self, x: Tensor) -> Tensor:
        n = self.norm(x)
        b, c, h, w = x.shape

        def tokens(t: Tensor) -> Tensor:  # (B, C, H, W) -> (B, 1, HW, C)
            return t.reshape(b, 1, c, h * w).transpose(-1, -2).contiguous()

        out = F.scaled_dot_product_attention(tokens(self.q(n)), tokens(self.k(n)), tokens(self.v(n)))
        return x + self.proj_out(out.transpose(-1, -2).reshape(b, c, h, w))


class Upsample(nn.Module):
    def __init__(self, channels: int):
        super().__init__()
        self.conv = nn.Conv2d(channels, channels, 3, stride=1, padding=1)

    def forward(self, x: Tensor) -> Tensor:
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class Decoder(nn.Module):
    """z (B, z_channels, h, w) -> image (B, 3, h*scale, w*scale), roughly in [-1, 1]."""

    def __init__(self, c: VAEConfig):
        super().__init__()
        levels = len(c.ch_mult)
        block_in = c.ch * c.ch_mult[-1]
        self.conv_in = nn.Conv2d(c.z_channels, block_in, 3, stride=1, padding=1)
        self.mid = nn.Module()
        self.mid.block_1 = ResnetBlock(block_in, block_in, c.norm_groups)
        self.mid.attn_1 = AttnBlock(block_in, c.norm_groups)
        self.mid.block_2 = ResnetBlock(block_in, block_in, c.norm_groups)
        # up[i] is resolution level i (0 = full size); it is built and run from the deepest.
        ups: list[nn.Module] = []
        for level in reversed(range(levels)):
            up = nn.Module()
            up.block = nn.ModuleList()
            up.attn = nn.ModuleList()  # always empty; kept so the module tree matches BFL
            block_out = c.ch * c.ch_mult[level]
            for _ in range(c.num_res_blocks + 1):
                up.block.append(ResnetBlock(block_in, block_out, c.norm_groups))
                block_in = block_out
            if level != 0:
                up.upsample = Upsample(block_in)
            ups.insert(0, up)
        self.up = nn.ModuleList(ups)
        self.norm_out = _group_norm(block_in, c.norm_groups)
        self.conv_out = nn.Conv2d(block_in, c.out_ch, 3, stride=1, padding=1)

    def forward(self, z: Tensor) -> Tensor:
        h = self.conv_in(z)
        h = self.mid.block_2(self.mid.attn_1(self.mid.block_1(h)))
        for level in reversed(range(len(self.up))):
            for block in self.up[level].block:
                h = block(h)
            if level != 0:
                h = self.up[level].upsample(h)
        return self.conv_out(swish(self.norm_out(h)))


class VAEDecoder(nn.Module):
    """The decoding half of BFL's AutoEncoder: keys `decoder.*`, plus the latent un-scaling."""

    def __init__(self, config: VAEConfig):
        super().__init__()
        self.config = config
        self.decoder = Decoder(config)

    def forward(self, latents: Tensor) -> Tensor:
        z = latents / self.config.scale_factor + self.config.shift_factor
        return self.decoder(z)


# --------------------------------------------------------------------------------------
# 4. Sampling math (shared verbatim by the Triton BLS model)
# --------------------------------------------------------------------------------------

def latent_size(height: int, width: int, vae: VAEConfig) -> tuple[int, int]:
    """Unpacked latent (h, w): 2 * (H // (2 * scale)), so it splits into 2x2 patches."""
    s = vae.spatial_scale
    return 2 * (height // (2 * s)), 2 * (width // (2 * s))


def initial_noise(seed: int, channels: int, h: int, w: int) -> Tensor:
    """Unpacked fp32 noise (1, C, h, w) from a CPU generator: identical on any device."""
    generator = torch.Generator("cpu").manual_seed(int(seed))
    return torch.randn((1, channels, h, w), generator=generator, dtype=torch.float32)


def pack_latents(latents: Tensor) -> Tensor:
    """(B, C, h, w) -> (B, h/2 * w/2, 4C); feature index = c*4 + dy*2 + dx."""
    b, c, h, w = latents.shape
    x = latents.view(b, c, h // 2, 2, w // 2, 2).permute(0, 2, 4, 1, 3, 5)
    return x.reshape(b, (h // 2) * (w // 2), c * 4)


def unpack_latents(packed: Tensor, h: int, w: int) -> Tensor:
    """Inverse of pack_latents for an unpacked latent of size (h, w)."""
    b, _, features = packed.shape
    c = features // 4
    x = packed.view(b, h // 2, w // 2, c, 2, 2).permute(0, 3, 1, 4, 2, 5)
    return x.reshape(b, c, h, w)


def prepare_img_ids(h: int, w: int) -> Tensor:
    """(h/2 * w/2, 3) ids (0, row, col) for the packed tokens, row-major, fp32."""
    ids = torch.zeros(h // 2, w // 2, 3)
    ids[..., 1] = torch.arange(h // 2)[:, None]
    ids[..., 2] = torch.arange(w // 2)[None, :]
    return ids.reshape(-1, 3)


def prepare_txt_ids(length: int) -> Tensor:
    return torch.zeros(length, 3)


def calculate_shift(image_seq_len: int, base_seq_len: int = 256, max_seq_len: int = 4096,
                    base_shift: float = 0.5, max_shift: float = 1.15) -> float:
    """mu grows linearly with the number of latent tokens: 0.5 at 256, 1.15 at 4096."""
    m = (max_shift - base_shift) / (max_seq_len - base_seq_len)
    return image_seq_len * m + (base_shift - m * base_seq_len)


def flow_match_sigmas(num_steps: int, image_seq_len: int, use_shift: bool) -> Tensor:
    """N+1 fp32 sigmas from 1 down to 0 (the final 0 is appended)."""
    if num_steps < 1:
        raise ValueError(f"num_inference_steps must be >= 1, got {num_steps}")
    sigmas = np.linspace(1.0, 1.0 / num_steps, num_steps)
    if use_shift:
        mu = calculate_shift(image_seq_len)
        sigmas = math.exp(mu) / (math.exp(mu) + (1.0 / sigmas - 1.0))
    return torch.tensor(np.append(sigmas, 0.0), dtype=torch.float32)


VelocityFn = Callable[[Tensor, Tensor], Tensor]  # (latents (B,L,C) fp32, sigma (B,)) -> v


def euler_denoise(latents: Tensor, sigmas: Tensor, predict_velocity: VelocityFn) -> Tensor:
    """x <- x + (sigma_next - sigma) * v, in fp32, one velocity call per step for the batch."""
    x = latents.float()
    batch = x.shape[0]
    for i in range(len(sigmas) - 1):
        sigma = sigmas[i].expand(batch).to(x.device)
        v = predict_velocity(x, sigma).float()
        x = x + (sigmas[i + 1] - sigmas[i]).item() * v
    return x


def to_uint8_images(images: Tensor) -> Tensor:
    """(B, 3, H, W) in [-1, 1] -> (B, H, W, 3) uint8 = round((x*0.5 + 0.5).clamp(0, 1) * 255)."""
    x = (images.float() * 0.5 + 0.5).clamp(0, 1)
    return (x * 255).round().to(torch.uint8).permute(0, 2, 3, 1).contiguous()


# --------------------------------------------------------------------------------------
# 5. Loading: real checkpoints or tiny seeded weights; tokenizers
# --------------------------------------------------------------------------------------

DTYPES = {"bfloat16": torch.bfloat16, "float16": torch.float16, "float32": torch.float32}

# Fixed offsets so each tiny component has its own reproducible stream of random numbers.
_SEED_OFFSETS = {"clip": 0, "t5": 1, "transformer": 2, "vae": 3}


def parse_dtype(name: str) -> torch.dtype:
    if name not in DTYPES:
        raise ValueError(f"dtype must be one of {sorted(DTYPES)}, got {name!r}")
    return DTYPES[name]


def require_path(path: Path, what: str) -> Path:
    """Fail with the path and the parameter to fix, rather than a bare FileNotFoundError."""
    if not path.exists():
        raise FileNotFoundError(
            f"{what} not found at {path}. Put the file there or set the config parameter "
            f"'weights_dir' to the directory holding the FLUX.1 weights "
            f"(layout: see flux_pipeline.py docstring).")
    return path


def _seeded(seed: int, component: str, build: Callable[[], nn.Module]) -> nn.Module:
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed * 100 + _SEED_OFFSETS[component])
        return build().eval()


def _load_safetensors_strict(module_factory: Callable[[], nn.Module], state: dict) -> nn.Module:
    with torch.device("meta"):
        module = module_factory()
    module.load_state_dict(state, strict=True, assign=True)
    return module


def load_transformer(weights_dir: str | Path, variant: str, dtype: torch.dtype = torch.float32,
                     device: str = "cpu") -> FluxTransformer:
    config = config_for(weights_dir, variant).transformer
    if is_tiny(weights_dir):
        model = _seeded(tiny_seed(str(weights_dir)), "transformer", lambda: FluxTransformer(config))
    else:
        from safetensors.torch import load_file
        path = require_path(Path(weights_dir) / TRANSFORMER_FILES[variant],
                            f"FLUX.1-{variant} transformer")
        state = load_file(str(path), device=str(device))
        model = _load_safetensors_strict(lambda: FluxTransformer(config), state)
    return model.to(device=device, dtype=dtype).eval()


def load_vae_decoder(weights_dir: str | Path, dtype: torch.dtype = torch.float32,
                     device: str = "cpu") -> VAEDecoder:
    config = config_for(weights_dir, "schnell").vae  # the autoencoder is the same for both
    if is_tiny(weights_dir):
        model = _seeded(tiny_seed(str(weights_dir)), "vae", lambda: VAEDecoder(config))
    else:
        from safetensors.torch import load_file
        path = require_path(Path(weights_dir) / AE_FILE, "FLUX.1 autoencoder")
        state = {k: v for k, v in load_file(str(path), device=str(device)).items()
                 if k.startswith("decoder.")}  # encoder.* is not needed to generate
        model = _load_safetensors_strict(lambda: VAEDecoder(config), state)
    return model.to(device=device, dtype=dtype).eval()


def load_clip(weights_dir: str | Path, dtype: torch.dtype = torch.float32,
              device: str = "cpu") -> nn.Module:
    from transformers import CLIPTextConfig, CLIPTextModel
    if is_tiny(weights_dir):
        model = _seeded(tiny_seed(str(weights_dir)), "clip",
                        lambda: CLIPTextModel(CLIPTextConfig(**TINY_CLIP)))
    else:
        path = require_path(Path(weights_dir) / "text_encoder", "CLIP text encoder")
        model = CLIPTextModel.from_pretrained(str(path), local_files_only=True,
                                              **pretrained_dtype_kwargs(dtype))
    return model.to(device=device, dtype=dtype).eval()


def load_t5(weights_dir: str | Path, dtype: torch.dtype = torch.float32,
            device: str = "cpu") -> nn.Module:
    from transformers import T5Config, T5EncoderModel
    if is_tiny(weights_dir):
        model = _seeded(tiny_seed(str(weights_dir)), "t5",
                        lambda: T5EncoderModel(T5Config(**TINY_T5)))
    else:
        path = require_path(Path(weights_dir) / "text_encoder_2", "T5 text encoder")
        model = T5EncoderModel.from_pretrained(str(path), local_files_only=True,
                                               **pretrained_dtype_kwargs(dtype))
    return model.to(device=device, dtype=dtype).eval()


# A fixed word list: the tiny tokenizers are real word-level tokenizers over it, so prompts
# made of these words get distinct ids and anything else maps to the unknown token.
TINY_WORDS = (
    "a an the of and with in on at by for to from under over near behind beside "
    "photo picture painting drawing sketch render portrait landscape closeup view "
    "cat cats dog dogs bird horse fox owl fish lion tiger bear rabbit robot astronaut "
    "man woman child person people tree trees forest flower flowers garden mountain "
    "mountains river lake sea ocean beach sky cloud clouds sun moon star stars city "
    "street house castle bridge car boat train road snow rain fog night day sunset "
    "red orange yellow green blue purple pink black white gray golden silver "
    "small big tiny huge old young happy sad bright dark soft sharp detailed simple "
    "sitting standing running flying swimming holding wearing reading eating sleeping "
    "hat coat glasses book cup table chair window door lamp sign text word hello world "
    "style art oil watercolor digital cinematic lighting light shadow high quality , ."
).split()


def build_tiny_tokenizers():
    """(clip_tokenizer, t5_tokenizer) built in-process, no files, no downloads.

    CLIP-style: lower-cased words, <|startoftext|> ... <|endoftext|>, padded to 77 with
    <|endoftext|> (as FLUX's CLIP tokenizer does). T5-style: words then </s>, padded with
    <pad> (id 0), like T5's tokenizer. Both wrap a `tokenizers.Tokenizer` in
    transformers' PreTrainedTokenizerFast so they are called like the real ones.
    """
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors
    from transformers import PreTrainedTokenizerFast

    def word_level(specials: list[str], unk: str, template: str) -> Tokenizer:
        vocab = {tok: i for i, tok in enumerate(specials + list(dict.fromkeys(TINY_WORDS)))}
        tok = Tokenizer(models.WordLevel(vocab=vocab, unk_token=unk))
        tok.normalizer = normalizers.Lowercase()
        tok.pre_tokenizer = pre_tokenizers.Whitespace()
        tok.post_processor = processors.TemplateProcessing(
            single=template, special_tokens=[(s, vocab[s]) for s in specials if s in template])
        return tok

    clip = PreTrainedTokenizerFast(
        tokenizer_object=word_level(["<|startoftext|>", "<|endoftext|>", "<|unk|>"], "<|unk|>",
                                    "<|startoftext|> $A <|endoftext|>"),
        bos_token="<|startoftext|>", eos_token="<|endoftext|>", pad_token="<|endoftext|>",
        unk_token="<|unk|>", model_max_length=CLIP_MAX_LENGTH)
    t5 = PreTrainedTokenizerFast(
        tokenizer_object=word_level(["<pad>", "</s>", "<unk>"], "<unk>", "$A </s>"),
        eos_token="</s>", pad_token="<pad>", unk_token="<unk>")
    return clip, t5


def load_tokenizers(weights_dir: str | Path):
    """(clip_tokenizer, t5_tokenizer): tiny in-process ones, or from <weights_dir>/tokenizer*."""
    if is_tiny(weights_dir):
        return build_tiny_tokenizers()
    from transformers import CLIPTokenizer, T5TokenizerFast
    clip_dir = require_path(Path(weights_dir) / "tokenizer", "CLIP tokenizer")
    t5_dir = require_path(Path(weights_dir) / "tokenizer_2", "T5 tokenizer")
    return (CLIPTokenizer.from_pretrained(str(clip_dir), local_files_only=True),
            T5TokenizerFast.from_pretrained(str(t5_dir), local_files_only=True))


def tokenize(tokenizer, prompts: Sequence[str], max_length: int) -> Tensor:
    """int64 ids (B, max_length): truncated, padded to exactly max_length, no attention mask."""
    ids = tokenizer(list(prompts), padding="max_length", max_length=max_length, truncation=True,
                    return_tensors="np")["input_ids"]
    return torch.from_numpy(np.asarray(ids, dtype=np.int64))


# --------------------------------------------------------------------------------------
# 6. The pipeline
# --------------------------------------------------------------------------------------

class FluxPipeline:
    """Text -> uint8 images, with every component in memory on one device."""

    def __init__(self, config: FluxConfig, clip, t5, transformer: FluxTransformer,
                 vae: VAEDecoder, clip_tokenizer, t5_tokenizer, dtype: torch.dtype,
                 device: str = "cpu"):
        self.config = config
        self.clip, self.t5 = clip, t5
        self.transformer, self.vae = transformer, vae
        self.clip_tokenizer, self.t5_tokenizer = clip_tokenizer, t5_tokenizer
        self.dtype, self.device = dtype, device

    @classmethod
    def from_weights(cls, weights_dir: str | Path, variant: str, dtype: str = "bfloat16",
                     device: str = "cpu") -> "FluxPipeline":
        torch_dtype = parse_dtype(dtype)
        clip_tok, t5_tok = load_tokenizers(weights_dir)
        return cls(config_for(weights_dir, variant),
                   load_clip(weights_dir, torch_dtype, device),
                   load_t5(weights_dir, torch_dtype, device),
                   load_transformer(weights_dir, variant, torch_dtype, device),
                   load_vae_decoder(weights_dir, torch_dtype, device),
                   clip_tok, t5_tok, torch_dtype, device)

    @torch.no_grad()
    def encode_prompt(self, prompts: Sequence[str], max_sequence_length: int) -> tuple[Tensor, Tensor]:
        """(CLIP pooled (B, 768) fp32, T5 last hidden state (B, L, 4096) fp32)."""
        clip_ids = tokenize(self.clip_tokenizer, prompts, CLIP_MAX_LENGTH).to(self.device)
        t5_ids = tokenize(self.t5_tokenizer, prompts, max_sequence_length).to(self.device)
        pooled = self.clip(input_ids=clip_ids).pooler_output
        embeds = self.t5(input_ids=t5_ids).last_hidden_state
        return pooled.float(), embeds.float()

    @torch.no_grad()
    def predict_velocity(self, latents: Tensor, sigma: Tensor, prompt_embeds: Tensor,
                         pooled: Tensor, img_ids: Tensor, txt_ids: Tensor,
                         guidance: Tensor | None) -> Tensor:
        d = self.dtype
        return self.transformer(
            img=latents.to(d), img_ids=img_ids, txt=prompt_embeds.to(d), txt_ids=txt_ids,
            timesteps=sigma.to(d), y=pooled.to(d),
            guidance=guidance.to(d) if guidance is not None else None).float()

    @torch.no_grad()
    def decode(self, latents: Tensor) -> Tensor:
        """Unpacked latents -> (B, 3, H, W) fp32 in about [-1, 1]."""
        return self.vae(latents.to(self.dtype)).float()

    @torch.no_grad()
    def __call__(self, prompts: Sequence[str] | str, height: int | None = None,
                 width: int | None = None, num_inference_steps: int | None = None,
                 guidance_scale: float | None = None, seeds: Sequence[int] | int = 0,
                 max_sequence_length: int | None = None) -> np.ndarray:
        """Returns uint8 images (B, H, W, 3). Each prompt uses its own seed."""
        cfg = self.config
        prompts = [prompts] if isinstance(prompts, str) else list(prompts)
        seeds = [seeds] * len(prompts) if isinstance(seeds, int) else list(seeds)
        height, width = height or cfg.default_height, width or cfg.default_width
        steps = num_inference_steps or cfg.default_steps
        guidance_scale = cfg.default_guidance if guidance_scale is None else guidance_scale
        if height % cfg.size_multiple or width % cfg.size_multiple:
            raise ValueError(f"height and width must be multiples of {cfg.size_multiple}")

        pooled, embeds = self.encode_prompt(prompts, max_sequence_length or cfg.max_sequence_length)
        h, w = latent_size(height, width, cfg.vae)
        noise = torch.cat([initial_noise(s, cfg.latent_channels, h, w) for s in seeds])
        latents = self.sample(noise, pooled, embeds, steps, guidance_scale)
        return to_uint8_images(self.decode(latents)).cpu().numpy()

    @torch.no_grad()
    def sample(self, noise: Tensor, pooled: Tensor, prompt_embeds: Tensor, steps: int,
               guidance_scale: float) -> Tensor:
        """Unpacked noise (B, C, h, w) and encoded prompts -> denoised unpacked latents, fp32.

        The part of `__call__` after the text encoders, separate so that it can be checked
        against reference latents computed from given embeddings (tasks/golden/oracle/).
        """
        cfg = self.config
        batch, _, h, w = noise.shape
        latents = pack_latents(noise.float()).to(self.device)
        img_ids = prepare_img_ids(h, w).expand(batch, -1, -1).to(self.device)
        txt_ids = prepare_txt_ids(prompt_embeds.shape[1]).expand(batch, -1, -1).to(self.device)
        guidance = (torch.full((batch,), float(guidance_scale), device=self.device)
                    if cfg.transformer.guidance_embed else None)
        sigmas = flow_match_sigmas(steps, latents.shape[1], cfg.uses_shift)

        def velocity(x: Tensor, sigma: Tensor) -> Tensor:
            return self.predict_velocity(x, sigma, prompt_embeds, pooled, img_ids, txt_ids,
                                         guidance)

        return unpack_latents(euler_denoise(latents, sigmas, velocity), h, w)


def build_tiny_pipeline(seed: int = 0, variant: str = "schnell") -> FluxPipeline:
    """Every component from the tiny configs with seeded random weights, fp32, CPU."""
    return FluxPipeline.from_weights(f"{TINY_PREFIX}:{seed}", variant, dtype="float32")


# --------------------------------------------------------------------------------------
# CLI
# --------------------------------------------------------------------------------------

def write_png(path: Path, image: np.ndarray) -> None:
    """Minimal 8-bit RGB PNG writer (no PIL needed): one unfiltered scanline per row."""
    h, w, _ = image.shape
    raw = b"".join(b"\x00" + image[row].tobytes() for row in range(h))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(
            ">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                     + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prompt", required=True)
    parser.add_argument("--out", type=Path, default=Path("image.png"), help=".png or .npy")
    parser.add_argument("--tiny", action="store_true", help="tiny random weights (no files)")
    parser.add_argument("--weights-dir", help="directory with the real FLUX.1 weights")
    parser.add_argument("--variant", choices=VARIANTS, default="schnell")
    parser.add_argument("--dtype", choices=sorted(DTYPES), default=None)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--height", type=int)
    parser.add_argument("--width", type=int)
    parser.add_argument("--steps", type=int)
    parser.add_argument("--guidance", type=float)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    if args.tiny == bool(args.weights_dir):
        parser.error("give exactly one of --tiny or --weights-dir")

    weights = TINY_PREFIX if args.tiny else args.weights_dir
    dtype = args.dtype or ("float32" if args.tiny else "bfloat16")
    pipe = FluxPipeline.from_weights(weights, args.variant, dtype=dtype, device=args.device)
    image = pipe(args.prompt, height=args.height, width=args.width,
                 num_inference_steps=args.steps, guidance_scale=args.guidance, seeds=args.seed)[0]
    if args.out.suffix == ".npy":
        np.save(args.out, image)
    else:
        write_png(args.out, image)
    print(f"wrote {args.out} ({image.shape[1]}x{image.shape[0]})")
    return 0


# --------------------------------------------------------------------------------------
# Compatibility (deployment): no math below
# --------------------------------------------------------------------------------------

def pretrained_dtype_kwargs(dtype: torch.dtype, version: str | None = None) -> dict:
    """The dtype keyword for `from_pretrained`: transformers 4.56 renamed `torch_dtype` to
    `dtype` (the old name is deprecated, later removed), and the docs allow 4.44 and up."""
    if version is None:
        import transformers
        version = transformers.__version__
    major, minor = (int("".join(c for c in part if c.isdigit()) or 0)
                    for part in (version.split(".") + ["0"])[:2])
    return {"dtype": dtype} if (major, minor) >= (4, 56) else {"torch_dtype": dtype}


if __name__ == "__main__":
    sys.exit(main())
