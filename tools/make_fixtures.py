#!/usr/bin/python3
"""Write tiny random-weight Hugging Face checkpoints and their expected outputs.

Run with Debian's PyTorch:  /usr/bin/python3 tools/make_fixtures.py

For each architecture the script writes test/fixtures/models/<name>/ with
config.json, model.safetensors (Hugging Face tensor names and layouts),
a copy of the matching fixture tokenizer, and expected.safetensors +
expected.json with what the engine must reproduce for fixed token id
sequences: every layer's attention probabilities [layers, heads, n, n], the
final hidden states [n, d_model] and, for causal models, the logits
[n, vocab].

`transformers` is not installed here, so the reference forward passes below
are written in plain PyTorch. Each step names the Hugging Face source it
follows (transformers 4.4x, src/transformers/models/<arch>/modeling_<arch>.py,
eager attention, and src/transformers/modeling_rope_utils.py). All arithmetic
is float32, as those models run on CPU. The output is deterministic: every
random draw comes from one seeded generator per model.
"""

import json
import math
import os
import shutil
import struct
import sys

import torch

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
MODELS_DIR = os.path.join(ROOT, "test", "fixtures", "models")
TOKENIZERS_DIR = os.path.join(ROOT, "test", "fixtures", "tokenizers")

# ---------------------------------------------------------------------------
# safetensors writer (format: 8-byte little-endian header length, JSON header
# with dtype, shape and [begin, end) byte offsets into the data section, data)
# ---------------------------------------------------------------------------

DTYPE_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16", torch.int32: "I32"}


def tensor_bytes(tensor):
    tensor = tensor.contiguous().cpu()
    if tensor.dtype == torch.bfloat16:
        # numpy has no bfloat16, so the 16-bit patterns travel as int16.
        return tensor.view(torch.int16).numpy().tobytes()
    return tensor.numpy().tobytes()


def write_safetensors(path, tensors, metadata=None):
    header = {}
    chunks = []
    offset = 0
    for name, tensor in tensors.items():
        data = tensor_bytes(tensor)
        header[name] = {
            "dtype": DTYPE_NAMES[tensor.dtype],
            "shape": list(tensor.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = metadata
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(header_bytes)))
        out.write(header_bytes)
        for chunk in chunks:
            out.write(chunk)


# ---------------------------------------------------------------------------
# Shared pieces
# ---------------------------------------------------------------------------


def causal_mask(n, sliding_window=None):
    """Boolean [n, n] mask, True where query i may attend to key j.

    Follows MistralModel._prepare_4d_causal_attention_mask_with_cache_position
    (modeling_mistral.py): a key is masked when j > i, and with a sliding
    window also when j <= i - sliding_window. So query i sees
    i - sliding_window < j <= i.
    """
    i = torch.arange(n).reshape(-1, 1)
    j = torch.arange(n).reshape(1, -1)
    masked = j > i
    if sliding_window is not None:
        masked = masked | (j <= i - sliding_window)
    return ~masked


def masked_softmax(scores, allowed):
    """Adds finfo(float32).min at masked positions and takes a float32 softmax.

    LlamaAttention / MistralAttention eager path: attn_weights + causal_mask,
    then nn.functional.softmax(dim=-1, dtype=torch.float32). GPT2Attention._attn
    uses torch.where(causal_mask, w, finfo.min), which gives the same
    probabilities: exp underflows to exactly 0 at masked keys.
    """
    min_value = torch.finfo(torch.float32).min
    if allowed is not None:
        scores = torch.where(allowed, scores, torch.tensor(min_value, dtype=torch.float32))
    return torch.softmax(scores, dim=-1, dtype=torch.float32)


def gelu_tanh(x):
    # activations.NewGELUActivation ("gelu_new"), used by GPT-2.
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


def gelu_erf(x):
    # activations.GELUActivation ("gelu") is nn.functional.gelu, the erf form; used by BERT.
    return torch.nn.functional.gelu(x)


def rms_norm(x, weight, eps):
    # LlamaRMSNorm: float32 variance of x, x * rsqrt(variance + eps), times weight.
    variance = x.pow(2).mean(-1, keepdim=True)
    return weight * (x * torch.rsqrt(variance + eps))


def layer_norm(x, weight, bias, eps):
    return torch.nn.functional.layer_norm(x, (x.shape[-1],), weight, bias, eps)


def linear(x, weight, bias=None):
    # nn.Linear stores weight as [out, in].
    return torch.nn.functional.linear(x, weight, bias)


def conv1d(x, weight, bias):
    # pytorch_utils.Conv1D (GPT-2) stores weight as [in, out]: addmm(bias, x, weight).
    return torch.addmm(bias, x, weight)


def split_heads(x, heads, head_dim):
    # [n, heads * head_dim] -> [heads, n, head_dim]
    n = x.shape[0]
    return x.reshape(n, heads, head_dim).transpose(0, 1)


def merge_heads(x):
    # [heads, n, head_dim] -> [n, heads * head_dim]
    heads, n, head_dim = x.shape
    return x.transpose(0, 1).reshape(n, heads * head_dim)


class Init:
    """Random weights from one seeded generator, scaled so that attention is peaked, not uniform."""

    def __init__(self, seed):
        self.generator = torch.Generator().manual_seed(seed)

    def normal(self, *shape, std=1.0, mean=0.0):
        return torch.randn(*shape, generator=self.generator) * std + mean

    def weight(self, out_features, in_features, gain=1.0):
        return self.normal(out_features, in_features, std=gain / math.sqrt(in_features))


# ---------------------------------------------------------------------------
# GPT-2 (modeling_gpt2.py: GPT2Model, GPT2Block, GPT2Attention, GPT2MLP)
# ---------------------------------------------------------------------------


def make_gpt2(config, init, prefix):
    d = config["n_embd"]
    inner = config["n_inner"] or 4 * d
    w = {}
    w["wte.weight"] = init.normal(config["vocab_size"], d, std=0.5)
    w["wpe.weight"] = init.normal(config["n_positions"], d, std=0.5)
    for layer in range(config["n_layer"]):
        p = f"h.{layer}."
        w[p + "ln_1.weight"] = init.normal(d, std=0.1, mean=1.0)
        w[p + "ln_1.bias"] = init.normal(d, std=0.1)
        # Conv1D weights are [in, out]; c_attn's output is q | k | v.
        w[p + "attn.c_attn.weight"] = init.weight(3 * d, d, gain=2.0).t().contiguous()
        w[p + "attn.c_attn.bias"] = init.normal(3 * d, std=0.1)
        w[p + "attn.c_proj.weight"] = init.weight(d, d).t().contiguous()
        w[p + "attn.c_proj.bias"] = init.normal(d, std=0.1)
        w[p + "ln_2.weight"] = init.normal(d, std=0.1, mean=1.0)
        w[p + "ln_2.bias"] = init.normal(d, std=0.1)
        w[p + "mlp.c_fc.weight"] = init.weight(inner, d).t().contiguous()
        w[p + "mlp.c_fc.bias"] = init.normal(inner, std=0.1)
        w[p + "mlp.c_proj.weight"] = init.weight(d, inner).t().contiguous()
        w[p + "mlp.c_proj.bias"] = init.normal(d, std=0.1)
    w["ln_f.weight"] = init.normal(d, std=0.1, mean=1.0)
    w["ln_f.bias"] = init.normal(d, std=0.1)
    # GPT2LMHeadModel ties lm_head.weight to wte.weight; saved checkpoints omit it.
    return {prefix + name: tensor for name, tensor in w.items()}


def forward_gpt2(config, weights, ids, prefix):
    w = {name[len(prefix):]: tensor for name, tensor in weights.items()}
    d = config["n_embd"]
    heads = config["n_head"]
    head_dim = d // heads
    eps = config["layer_norm_epsilon"]
    n = len(ids)
    ids_tensor = torch.tensor(ids)
    # GPT2Model.forward: inputs_embeds + position_embeds, positions 0..n-1.
    x = w["wte.weight"][ids_tensor] + w["wpe.weight"][torch.arange(n)]
    allowed = causal_mask(n)
    attentions = []
    for layer in range(config["n_layer"]):
        p = f"h.{layer}."
        # GPT2Block.forward: pre-norm, residual around attention and around the MLP.
        h = layer_norm(x, w[p + "ln_1.weight"], w[p + "ln_1.bias"], eps)
        qkv = conv1d(h, w[p + "attn.c_attn.weight"], w[p + "attn.c_attn.bias"])
        q, k, v = qkv.split(d, dim=1)
        q, k, v = (split_heads(t, heads, head_dim) for t in (q, k, v))
        # GPT2Attention._attn: scores / sqrt(head_dim) as a float32 scalar tensor.
        scores = torch.matmul(q, k.transpose(-1, -2)) / torch.full([], v.size(-1) ** 0.5, dtype=torch.float32)
        probs = masked_softmax(scores, allowed)
        attentions.append(probs)
        context = merge_heads(torch.matmul(probs, v))
        x = x + conv1d(context, w[p + "attn.c_proj.weight"], w[p + "attn.c_proj.bias"])

        h = layer_norm(x, w[p + "ln_2.weight"], w[p + "ln_2.bias"], eps)
        h = gelu_tanh(conv1d(h, w[p + "mlp.c_fc.weight"], w[p + "mlp.c_fc.bias"]))
        x = x + conv1d(h, w[p + "mlp.c_proj.weight"], w[p + "mlp.c_proj.bias"])
    hidden = layer_norm(x, w["ln_f.weight"], w["ln_f.bias"], eps)
    logits = linear(hidden, w["wte.weight"])
    return torch.stack(attentions), hidden, logits


# ---------------------------------------------------------------------------
# Llama, Qwen2, Mistral (modeling_llama.py, modeling_qwen2.py, modeling_mistral.py)
# ---------------------------------------------------------------------------


def rope_inverse_frequencies(config, head_dim):
    """modeling_rope_utils._compute_default_rope_parameters, then _compute_llama3_parameters."""
    base = config.get("rope_theta", 10000.0)
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    scaling = config.get("rope_scaling")
    if scaling is None:
        return inv_freq
    assert scaling.get("rope_type", scaling.get("type")) == "llama3"
    factor = scaling["factor"]
    low_freq_factor = scaling["low_freq_factor"]
    high_freq_factor = scaling["high_freq_factor"]
    old_context_len = scaling["original_max_position_embeddings"]
    low_freq_wavelen = old_context_len / low_freq_factor
    high_freq_wavelen = old_context_len / high_freq_factor
    wavelen = 2 * math.pi / inv_freq
    inv_freq_llama = torch.where(wavelen > low_freq_wavelen, inv_freq / factor, inv_freq)
    smooth_factor = (old_context_len / wavelen - low_freq_factor) / (high_freq_factor - low_freq_factor)
    smoothed = (1 - smooth_factor) * inv_freq_llama / factor + smooth_factor * inv_freq_llama
    is_medium = ~(wavelen < high_freq_wavelen) * ~(wavelen > low_freq_wavelen)
    return torch.where(is_medium, smoothed, inv_freq_llama)


def rotate_half(x):
    # modeling_llama.rotate_half: cat(-x2, x1) over the two halves of head_dim.
    half = x.shape[-1] // 2
    return torch.cat((-x[..., half:], x[..., :half]), dim=-1)


def make_llama(config, init):
    d = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv_heads = config["num_key_value_heads"]
    head_dim = config.get("head_dim") or d // heads
    inner = config["intermediate_size"]
    bias = config["model_type"] == "qwen2"
    w = {}
    w["model.embed_tokens.weight"] = init.normal(config["vocab_size"], d, std=0.5)
    for layer in range(config["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        w[p + "input_layernorm.weight"] = init.normal(d, std=0.1, mean=1.0)
        w[p + "self_attn.q_proj.weight"] = init.weight(heads * head_dim, d, gain=2.0)
        w[p + "self_attn.k_proj.weight"] = init.weight(kv_heads * head_dim, d, gain=2.0)
        w[p + "self_attn.v_proj.weight"] = init.weight(kv_heads * head_dim, d)
        if bias:
            # Qwen2Attention: q_proj, k_proj and v_proj have biases, o_proj has none.
            w[p + "self_attn.q_proj.bias"] = init.normal(heads * head_dim, std=0.3)
            w[p + "self_attn.k_proj.bias"] = init.normal(kv_heads * head_dim, std=0.3)
            w[p + "self_attn.v_proj.bias"] = init.normal(kv_heads * head_dim, std=0.1)
        w[p + "self_attn.o_proj.weight"] = init.weight(d, heads * head_dim)
        w[p + "post_attention_layernorm.weight"] = init.normal(d, std=0.1, mean=1.0)
        w[p + "mlp.gate_proj.weight"] = init.weight(inner, d)
        w[p + "mlp.up_proj.weight"] = init.weight(inner, d)
        w[p + "mlp.down_proj.weight"] = init.weight(d, inner)
    w["model.norm.weight"] = init.normal(d, std=0.1, mean=1.0)
    if not config["tie_word_embeddings"]:
        w["lm_head.weight"] = init.weight(config["vocab_size"], d)
    return w


def forward_llama(config, w, ids):
    d = config["hidden_size"]
    heads = config["num_attention_heads"]
    kv_heads = config["num_key_value_heads"]
    head_dim = config.get("head_dim") or d // heads
    eps = config["rms_norm_eps"]
    n = len(ids)
    sliding_window = config.get("sliding_window") if config["model_type"] == "mistral" else None
    if config["model_type"] == "qwen2" and config.get("use_sliding_window"):
        sliding_window = config["sliding_window"]
    x = w["model.embed_tokens.weight"][torch.tensor(ids)]

    # LlamaRotaryEmbedding.forward: float32 freqs = inv_freq x positions, emb = cat(freqs, freqs).
    inv_freq = rope_inverse_frequencies(config, head_dim)
    positions = torch.arange(n, dtype=torch.float32)
    freqs = (inv_freq[:, None].float() @ positions[None, :]).transpose(0, 1)
    emb = torch.cat((freqs, freqs), dim=-1)
    cos, sin = emb.cos(), emb.sin()

    allowed = causal_mask(n, sliding_window)
    attentions = []
    for layer in range(config["num_hidden_layers"]):
        p = f"model.layers.{layer}."
        # LlamaDecoderLayer.forward: pre-norm RMSNorm, residual around attention and MLP.
        h = rms_norm(x, w[p + "input_layernorm.weight"], eps)
        q = linear(h, w[p + "self_attn.q_proj.weight"], w.get(p + "self_attn.q_proj.bias"))
        k = linear(h, w[p + "self_attn.k_proj.weight"], w.get(p + "self_attn.k_proj.bias"))
        v = linear(h, w[p + "self_attn.v_proj.weight"], w.get(p + "self_attn.v_proj.bias"))
        q, k, v = split_heads(q, heads, head_dim), split_heads(k, kv_heads, head_dim), split_heads(v, kv_heads, head_dim)
        # apply_rotary_pos_emb: q * cos + rotate_half(q) * sin (the same for k).
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        # repeat_kv: query head h uses key/value head h // (heads / kv_heads).
        groups = heads // kv_heads
        k = k.repeat_interleave(groups, dim=0)
        v = v.repeat_interleave(groups, dim=0)
        # Qwen2's eager_attention_forward multiplies by head_dim ** -0.5; older LlamaAttention.forward
        # divides by math.sqrt(head_dim), which differs by at most one float32 rounding. Then the mask
        # and a float32 softmax.
        scores = torch.matmul(q, k.transpose(-1, -2)) * (head_dim ** -0.5)
        probs = masked_softmax(scores, allowed)
        attentions.append(probs)
        context = merge_heads(torch.matmul(probs, v))
        x = x + linear(context, w[p + "self_attn.o_proj.weight"])

        h = rms_norm(x, w[p + "post_attention_layernorm.weight"], eps)
        # LlamaMLP: down_proj(silu(gate_proj(x)) * up_proj(x)).
        gate = torch.nn.functional.silu(linear(h, w[p + "mlp.gate_proj.weight"]))
        x = x + linear(gate * linear(h, w[p + "mlp.up_proj.weight"]), w[p + "mlp.down_proj.weight"])
    hidden = rms_norm(x, w["model.norm.weight"], eps)
    head = w["model.embed_tokens.weight"] if config["tie_word_embeddings"] else w["lm_head.weight"]
    logits = linear(hidden, head)
    return torch.stack(attentions), hidden, logits


# ---------------------------------------------------------------------------
# BERT (modeling_bert.py: BertEmbeddings, BertSelfAttention, BertSelfOutput,
# BertIntermediate, BertOutput)
# ---------------------------------------------------------------------------


def make_bert(config, init, prefix):
    d = config["hidden_size"]
    inner = config["intermediate_size"]
    w = {}
    w["embeddings.word_embeddings.weight"] = init.normal(config["vocab_size"], d, std=0.5)
    w["embeddings.position_embeddings.weight"] = init.normal(config["max_position_embeddings"], d, std=0.5)
    w["embeddings.token_type_embeddings.weight"] = init.normal(config["type_vocab_size"], d, std=0.5)
    w["embeddings.LayerNorm.weight"] = init.normal(d, std=0.1, mean=1.0)
    w["embeddings.LayerNorm.bias"] = init.normal(d, std=0.1)
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        for name, gain in (("query", 2.0), ("key", 2.0), ("value", 1.0)):
            w[p + f"attention.self.{name}.weight"] = init.weight(d, d, gain=gain)
            w[p + f"attention.self.{name}.bias"] = init.normal(d, std=0.1)
        w[p + "attention.output.dense.weight"] = init.weight(d, d)
        w[p + "attention.output.dense.bias"] = init.normal(d, std=0.1)
        w[p + "attention.output.LayerNorm.weight"] = init.normal(d, std=0.1, mean=1.0)
        w[p + "attention.output.LayerNorm.bias"] = init.normal(d, std=0.1)
        w[p + "intermediate.dense.weight"] = init.weight(inner, d)
        w[p + "intermediate.dense.bias"] = init.normal(inner, std=0.1)
        w[p + "output.dense.weight"] = init.weight(d, inner)
        w[p + "output.dense.bias"] = init.normal(d, std=0.1)
        w[p + "output.LayerNorm.weight"] = init.normal(d, std=0.1, mean=1.0)
        w[p + "output.LayerNorm.bias"] = init.normal(d, std=0.1)
    return {prefix + name: tensor for name, tensor in w.items()}


def forward_bert(config, weights, ids, prefix):
    w = {name[len(prefix):]: tensor for name, tensor in weights.items()}
    d = config["hidden_size"]
    heads = config["num_attention_heads"]
    head_dim = d // heads
    eps = config["layer_norm_eps"]
    n = len(ids)
    # BertEmbeddings.forward: word + token type (all zero) + absolute position, then LayerNorm.
    x = (
        w["embeddings.word_embeddings.weight"][torch.tensor(ids)]
        + w["embeddings.token_type_embeddings.weight"][torch.zeros(n, dtype=torch.long)]
        + w["embeddings.position_embeddings.weight"][torch.arange(n)]
    )
    x = layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"], eps)
    attentions = []
    for layer in range(config["num_hidden_layers"]):
        p = f"encoder.layer.{layer}."
        q = split_heads(linear(x, w[p + "attention.self.query.weight"], w[p + "attention.self.query.bias"]), heads, head_dim)
        k = split_heads(linear(x, w[p + "attention.self.key.weight"], w[p + "attention.self.key.bias"]), heads, head_dim)
        v = split_heads(linear(x, w[p + "attention.self.value.weight"], w[p + "attention.self.value.bias"]), heads, head_dim)
        # BertSelfAttention.forward: scores / math.sqrt(head_size); an all-ones attention mask adds 0.
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(head_dim)
        probs = masked_softmax(scores, None)
        attentions.append(probs)
        context = merge_heads(torch.matmul(probs, v))

        # BertSelfOutput: LayerNorm(dense(context) + input), post-norm.
        attention_output = layer_norm(
            linear(context, w[p + "attention.output.dense.weight"], w[p + "attention.output.dense.bias"]) + x,
            w[p + "attention.output.LayerNorm.weight"], w[p + "attention.output.LayerNorm.bias"], eps)

        # BertIntermediate, then BertOutput: LayerNorm(dense(gelu(dense(h))) + h).
        h = gelu_erf(linear(attention_output, w[p + "intermediate.dense.weight"], w[p + "intermediate.dense.bias"]))
        x = layer_norm(
            linear(h, w[p + "output.dense.weight"], w[p + "output.dense.bias"]) + attention_output,
            w[p + "output.LayerNorm.weight"], w[p + "output.LayerNorm.bias"], eps)
    return torch.stack(attentions), x, None


# ---------------------------------------------------------------------------
# Fixture models
# ---------------------------------------------------------------------------


def find_tokenizer(name):
    """Folder of the fixture tokenizer test/fixtures/tokenizers/<name>, or None when it is absent."""
    folder = os.path.join(TOKENIZERS_DIR, name)
    return folder if os.path.isfile(os.path.join(folder, "tokenizer.json")) else None


def tokenizer_vocab_size(folder, fallback):
    """Vocabulary size of a tokenizer.json, counting added tokens beyond the model vocab."""
    if folder is None:
        return fallback
    with open(os.path.join(folder, "tokenizer.json"), encoding="utf-8") as f:
        data = json.load(f)
    ids = list(data["model"]["vocab"].values()) if isinstance(data["model"]["vocab"], dict) else list(range(len(data["model"]["vocab"])))
    ids += [token["id"] for token in data.get("added_tokens", [])]
    return max(ids) + 1


def sequences(vocab_size, seed):
    """Two fixed id sequences: 33 tokens (longer than the mistral window) and 7 tokens."""
    generator = torch.Generator().manual_seed(seed)
    long_ids = torch.randint(0, vocab_size, (33,), generator=generator).tolist()
    short_ids = torch.randint(0, vocab_size, (7,), generator=generator).tolist()
    return [long_ids, short_ids]


def round_weights(weights, dtype):
    return {name: tensor.to(dtype) for name, tensor in weights.items()}


def as_float32(weights):
    return {name: tensor.float() for name, tensor in weights.items()}


def write_model(name, config, weights, forward, seed, tokenizer_folder, notes):
    folder = os.path.join(MODELS_DIR, name)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)
        f.write("\n")
    write_safetensors(os.path.join(folder, "model.safetensors"), weights, {"format": "pt"})
    if tokenizer_folder is not None:
        for file_name in ("tokenizer.json", "tokenizer_config.json"):
            source = os.path.join(tokenizer_folder, file_name)
            if os.path.isfile(source):
                shutil.copyfile(source, os.path.join(folder, file_name))

    reference_weights = as_float32(weights)
    expected = {}
    cases = []
    for index, ids in enumerate(sequences(config["vocab_size"], seed + 1)):
        with torch.no_grad():
            attentions, hidden, logits = forward(config, reference_weights, ids)
        expected[f"case{index}.attentions"] = attentions.contiguous()
        expected[f"case{index}.hidden"] = hidden.contiguous()
        if logits is not None:
            expected[f"case{index}.logits"] = logits.contiguous()
        expected[f"case{index}.ids"] = torch.tensor(ids, dtype=torch.int32)
        cases.append({"ids": ids, "tokens": len(ids)})
    write_safetensors(os.path.join(folder, "expected.safetensors"), expected)
    with open(os.path.join(folder, "expected.json"), "w", encoding="utf-8") as f:
        json.dump({
            "generator": "tools/make_fixtures.py",
            "torch": torch.__version__,
            "dtype": DTYPE_NAMES[next(iter(weights.values())).dtype],
            "cases": len(cases),
            "tokenizer": None if tokenizer_folder is None else os.path.basename(tokenizer_folder),
            "notes": notes,
        }, f, indent=2)
        f.write("\n")
    total = sum(os.path.getsize(os.path.join(folder, entry)) for entry in os.listdir(folder))
    print(f"{name}: {total / 1024:.1f} KiB, cases of {[c['tokens'] for c in cases]} tokens")


def main():
    torch.set_num_threads(1)
    # Byte-level BPE (gpt2, llama3), SentencePiece-style BPE with byte fallback (mistral), WordPiece (bert).
    byte_level = find_tokenizer("gpt2")
    llama3_tokenizer = find_tokenizer("llama3")
    sentencepiece = find_tokenizer("mistral")
    wordpiece = find_tokenizer("bert")

    # GPT-2, bare tensor names as in the published gpt2 checkpoint.
    gpt2 = {
        "model_type": "gpt2", "architectures": ["GPT2LMHeadModel"],
        "vocab_size": tokenizer_vocab_size(byte_level, 300), "n_positions": 64, "n_ctx": 64,
        "n_embd": 32, "n_layer": 2, "n_head": 4, "n_inner": None,
        "activation_function": "gelu_new", "layer_norm_epsilon": 1e-5,
        "bos_token_id": 0, "eos_token_id": 0, "tie_word_embeddings": True, "torch_dtype": "float32",
    }
    gpt2_weights = make_gpt2(gpt2, Init(2), "")
    write_model("gpt2", gpt2, gpt2_weights, lambda c, w, ids: forward_gpt2(c, w, ids, ""), 2, byte_level,
                "Bare tensor names (h.0.attn.c_attn.weight). Conv1D weights [in, out].")

    # The same GPT-2 in float16, with the `transformer.` prefix that GPT2LMHeadModel.save_pretrained writes.
    prefixed = {"transformer." + name: tensor for name, tensor in gpt2_weights.items()}
    gpt2_f16 = dict(gpt2, torch_dtype="float16")
    write_model("gpt2-f16", gpt2_f16, round_weights(prefixed, torch.float16),
                lambda c, w, ids: forward_gpt2(c, w, ids, "transformer."), 2, byte_level,
                "gpt2 weights rounded to float16; expected outputs computed in float32 from the rounded weights.")

    # Llama with grouped-query attention (4 query heads, 2 key/value heads) and llama3 RoPE scaling.
    llama = {
        "model_type": "llama", "architectures": ["LlamaForCausalLM"],
        "vocab_size": tokenizer_vocab_size(llama3_tokenizer, 300), "hidden_size": 48, "intermediate_size": 96,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 12,
        "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 10000.0,
        "rope_scaling": {"rope_type": "llama3", "factor": 8.0, "low_freq_factor": 1.0,
                         "high_freq_factor": 4.0, "original_max_position_embeddings": 64},
        "hidden_act": "silu", "attention_bias": False, "tie_word_embeddings": False,
        "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32",
    }
    llama_weights = make_llama(llama, Init(3))
    write_model("llama", llama, llama_weights, forward_llama, 3, llama3_tokenizer,
                "Grouped-query attention 4/2; llama3 RoPE scaling touches high, medium and low frequencies.")
    write_model("llama-bf16", dict(llama, torch_dtype="bfloat16"), round_weights(llama_weights, torch.bfloat16),
                forward_llama, 3, llama3_tokenizer,
                "llama weights rounded to bfloat16; expected outputs computed in float32 from the rounded weights.")

    # Qwen2: q/k/v biases, tied embeddings, a sliding window that is configured but switched off.
    qwen2 = {
        "model_type": "qwen2", "architectures": ["Qwen2ForCausalLM"],
        "vocab_size": tokenizer_vocab_size(byte_level, 300), "hidden_size": 32, "intermediate_size": 64,
        "num_hidden_layers": 2, "num_attention_heads": 4, "num_key_value_heads": 2,
        "max_position_embeddings": 128, "rms_norm_eps": 1e-6, "rope_theta": 1000000.0,
        "hidden_act": "silu", "tie_word_embeddings": True, "use_sliding_window": False,
        "sliding_window": 4, "max_window_layers": 2,
        "bos_token_id": 0, "eos_token_id": 0, "torch_dtype": "float32",
    }
    write_model("qwen2", qwen2, make_llama(qwen2, Init(4)), forward_llama, 4, byte_level,
                "q/k/v biases, tied embeddings; sliding_window 4 is ignored because use_sliding_window is false.")

    # Mistral: one key/value head for four query heads, sliding window 8 over 33 tokens.
    mistral = {
        "model_type": "mistral", "architectures": ["MistralForCausalLM"],
        "vocab_size": tokenizer_vocab_size(sentencepiece, 300), "hidden_size": 32, "intermediate_size": 64,
        "num_hidden_layers": 3, "num_attention_heads": 4, "num_key_value_heads": 1, "head_dim": 8,
        "max_position_embeddings": 128, "rms_norm_eps": 1e-5, "rope_theta": 10000.0,
        "sliding_window": 8, "hidden_act": "silu", "tie_word_embeddings": False,
        "bos_token_id": 1, "eos_token_id": 2, "torch_dtype": "float32",
    }
    write_model("mistral", mistral, make_llama(mistral, Init(5)), forward_llama, 5, sentencepiece,
                "Sliding window 8: query i sees keys i-7..i. Multi-query attention (1 key/value head).")

    # BERT with the `bert.` prefix that BertForMaskedLM and BertModel checkpoints use.
    bert = {
        "model_type": "bert", "architectures": ["BertModel"],
        "vocab_size": tokenizer_vocab_size(wordpiece, 300), "hidden_size": 32, "intermediate_size": 64,
        "num_hidden_layers": 2, "num_attention_heads": 4, "max_position_embeddings": 64,
        "type_vocab_size": 2, "layer_norm_eps": 1e-12, "hidden_act": "gelu",
        "position_embedding_type": "absolute", "pad_token_id": 0, "torch_dtype": "float32",
    }
    write_model("bert", bert, make_bert(bert, Init(6), "bert."), lambda c, w, ids: forward_bert(c, w, ids, "bert."),
                6, wordpiece, "Prefixed names (bert.embeddings...). Post-norm, erf GELU, token type 0.")

    total = 0
    for root, _, files in os.walk(MODELS_DIR):
        total += sum(os.path.getsize(os.path.join(root, f)) for f in files)
    print(f"all model fixtures: {total / 1024:.1f} KiB")
    missing = [kind for kind, folder in (("gpt2", byte_level), ("llama3", llama3_tokenizer),
                                         ("mistral", sentencepiece), ("bert", wordpiece)) if folder is None]
    if missing:
        print(f"no fixture tokenizer found for: {', '.join(missing)}; vocab size 300 used", file=sys.stderr)


if __name__ == "__main__":
    main()
