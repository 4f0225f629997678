"""Random full-size FLUX.1 weights under the real file layout and key names (no downloads).

    python fake_weights.py DIR [--variant schnell] [--device cuda]

writes what docs/deployment.md lists: <DIR>/flux1-<variant>.safetensors (bf16, BFL key
names), <DIR>/ae.safetensors (fp32, decoder.* keys; the encoder is not needed to generate),
<DIR>/text_encoder/ (CLIP ViT-L/14 text model) and <DIR>/text_encoder_2/ (T5 v1.1 XXL
encoder) in Hugging Face format, bf16. The names and shapes come from flux_pipeline.py's
modules (built on the meta device), which load the published files strictly. No tokenizer
files exist offline: the benchmark uses the tiny in-process tokenizers (ids < 200).

Values: weights ~ N(0, 1/fan_in) so activations keep their scale through the blocks, norm
gains 1, biases 0: finite numbers at realistic cost, meaningless images.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import torch

# CLIP ViT-L/14 text tower and T5 v1.1 XXL encoder, as in the FLUX.1 repositories.
CLIP_CONFIG = dict(vocab_size=49408, hidden_size=768, intermediate_size=3072, projection_dim=768,
                   num_hidden_layers=12, num_attention_heads=12, max_position_embeddings=77,
                   hidden_act="quick_gelu", bos_token_id=0, eos_token_id=2, pad_token_id=1)
T5_CONFIG = dict(vocab_size=32128, d_model=4096, d_kv=64, d_ff=10240, num_layers=24,
                 num_heads=64, relative_attention_num_buckets=32,
                 relative_attention_max_distance=128, feed_forward_proj="gated-gelu",
                 dropout_rate=0.0, pad_token_id=0, eos_token_id=1, decoder_start_token_id=0)


def random_like(name: str, shape: torch.Size, dtype: torch.dtype, device: str,
                generator: torch.Generator) -> torch.Tensor:
    if len(shape) >= 2:
        fan_in = math.prod(shape[1:])
        return (torch.randn(shape, generator=generator, device=device) / math.sqrt(fan_in)).to(dtype)
    if name.endswith("scale") or "norm" in name and name.endswith("weight"):
        return torch.ones(shape, dtype=dtype, device=device)
    return torch.zeros(shape, dtype=dtype, device=device)


def random_state(module_factory, dtype: torch.dtype, device: str, seed: int,
                 prefix: str = "") -> dict:
    with torch.device("meta"):
        module = module_factory()
    generator = torch.Generator(device=device).manual_seed(seed)
    return {prefix + name: random_like(name, t.shape, dtype, device, generator)
            for name, t in module.state_dict().items()}


def write_transformer(fp, directory: Path, variant: str, device: str) -> Path:
    from safetensors.torch import save_file
    config = fp.full_config(variant).transformer
    state = random_state(lambda: fp.FluxTransformer(config), torch.bfloat16, device, 2)
    path = directory / fp.TRANSFORMER_FILES[variant]
    save_file({k: v.cpu() for k, v in state.items()}, str(path))
    return path


def write_autoencoder(fp, directory: Path, device: str) -> Path:
    from safetensors.torch import save_file
    config = fp.full_config("schnell").vae
    state = random_state(lambda: fp.VAEDecoder(config), torch.float32, device, 3)
    path = directory / fp.AE_FILE
    save_file({k: v.cpu().contiguous() for k, v in state.items()}, str(path))
    return path


def write_text_encoders(directory: Path, device: str) -> None:
    from transformers import CLIPTextConfig, CLIPTextModel, T5Config, T5EncoderModel
    for folder, build in (("text_encoder", lambda: CLIPTextModel(CLIPTextConfig(**CLIP_CONFIG))),
                          ("text_encoder_2", lambda: T5EncoderModel(T5Config(**T5_CONFIG)))):
        torch.manual_seed(0)
        with torch.device(device):  # initialising 4.7B parameters on a CPU takes minutes
            model = build()
        model.to(torch.bfloat16).save_pretrained(directory / folder)
        del model


def write_all(fp, directory: Path, variant: str, device: str) -> dict:
    """Write every file; returns seconds per component."""
    directory.mkdir(parents=True, exist_ok=True)
    seconds = {}
    for name, write in (("transformer", lambda: write_transformer(fp, directory, variant, device)),
                        ("autoencoder", lambda: write_autoencoder(fp, directory, device)),
                        ("text encoders", lambda: write_text_encoders(directory, device))):
        start = time.perf_counter()
        write()
        seconds[name] = time.perf_counter() - start
        if device.startswith("cuda"):
            torch.cuda.empty_cache()
    return seconds


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("directory", type=Path)
    parser.add_argument("--variant", default="schnell", choices=("schnell", "dev"))
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    parser.add_argument("--context", type=Path, required=True,
                        help="the directory holding flux_pipeline.py")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(args.context))
    import flux_pipeline as fp
    print(write_all(fp, args.directory, args.variant, args.device))
    return 0


if __name__ == "__main__":
    sys.exit(main())
