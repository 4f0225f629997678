"""FLOPs of one FLUX transformer forward, counted from its config (multiply-add = 2).

Per token, every double-stream block runs, in each stream, qkv (3h²), proj (h²) and the MLP
(2·r·h²); every single-stream block runs linear1 (h·(3h + r·h)) and linear2 ((h + r·h)·h):
both 4h² + 2r·h² = 12h² at r = 4. Attention over the joined sequence N = L_img + L_txt:
QKᵀ and AV, 2·2·N²·h. The embedders, modulations and the final layer are per image or
small (counted as they are: in/out projections per token, modulations per image).
"""


def transformer_flops(config, batch: int, image_tokens: int, text_tokens: int) -> float:
    h, r = config.hidden_size, config.mlp_ratio
    n = image_tokens + text_tokens
    per_token_block = 2 * (4 * h * h + 2 * r * h * h)  # linear layers of one block, per token
    blocks = config.depth + config.depth_single_blocks
    linear = per_token_block * blocks * n
    attention = blocks * 4 * n * n * h
    embed = 2 * (image_tokens * config.in_channels * h + text_tokens * config.context_in_dim * h)
    final = 2 * image_tokens * h * config.in_channels  # proj_out to the packed channels
    modulation = 2 * h * h * (config.depth * 2 * 6 + config.depth_single_blocks * 3 + 2)
    return float(batch * (linear + attention + embed + final + modulation))
