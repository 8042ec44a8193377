"""Write a random-weight GPT-2-small-shaped checkpoint for the benchmark.

Output, a Hugging Face model folder: .cache/bench/gpt2-small-random/ with
config.json, model.safetensors (F32, GPT2LMHeadModel tensor names) and the
shipped model's tokenizer.json. The shapes are GPT-2 small's (12 layers,
12 heads, d_model 768, vocabulary 50,257) except n_positions, which is 2,048
so the memory figure at 2,048 tokens can be measured. Weights follow GPT-2's
initialisation (normal, standard deviation 0.02), drawn with NumPy, so
PyTorch is not needed to write the checkpoint.

Usage: /usr/bin/python3 tools/bench/make_checkpoint.py [--force]
"""

import json
import shutil
import struct
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / ".cache" / "bench" / "gpt2-small-random"
TOKENIZER_SOURCES = [ROOT / "media" / "model", ROOT / "test" / "fixtures" / "models" / "gpt2"]

LAYERS, HEADS, D_MODEL, VOCAB, POSITIONS = 12, 12, 768, 50257, 2048
SEED = 1234


def tensors() -> dict:
    """Return {name: float32 array} in GPT2LMHeadModel's layout (Conv1D weights [in, out])."""
    rng = np.random.default_rng(SEED)

    def normal(*shape, std=0.02):
        return rng.standard_normal(shape, dtype=np.float32) * np.float32(std)

    out = {
        "transformer.wte.weight": normal(VOCAB, D_MODEL),
        "transformer.wpe.weight": normal(POSITIONS, D_MODEL, std=0.01),
        "transformer.ln_f.weight": np.ones(D_MODEL, np.float32),
        "transformer.ln_f.bias": np.zeros(D_MODEL, np.float32),
    }
    residual_std = 0.02 / np.sqrt(2 * LAYERS)
    for layer in range(LAYERS):
        p = f"transformer.h.{layer}."
        out[p + "ln_1.weight"] = np.ones(D_MODEL, np.float32)
        out[p + "ln_1.bias"] = normal(D_MODEL)
        out[p + "attn.c_attn.weight"] = normal(D_MODEL, 3 * D_MODEL)
        out[p + "attn.c_attn.bias"] = normal(3 * D_MODEL)
        out[p + "attn.c_proj.weight"] = normal(D_MODEL, D_MODEL, std=residual_std)
        out[p + "attn.c_proj.bias"] = normal(D_MODEL)
        out[p + "ln_2.weight"] = np.ones(D_MODEL, np.float32)
        out[p + "ln_2.bias"] = normal(D_MODEL)
        out[p + "mlp.c_fc.weight"] = normal(D_MODEL, 4 * D_MODEL)
        out[p + "mlp.c_fc.bias"] = normal(4 * D_MODEL)
        out[p + "mlp.c_proj.weight"] = normal(4 * D_MODEL, D_MODEL, std=residual_std)
        out[p + "mlp.c_proj.bias"] = normal(D_MODEL)
    return out


def write_safetensors(path: Path, arrays: dict) -> None:
    """Write F32 arrays as safetensors: u64 header length, JSON header padded to 8 bytes, data."""
    header = {}
    offset = 0
    for name in sorted(arrays):
        size = arrays[name].nbytes
        header[name] = {"dtype": "F32", "shape": list(arrays[name].shape), "data_offsets": [offset, offset + size]}
        offset += size
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    header_bytes += b" " * (-len(header_bytes) % 8)
    temporary = path.with_suffix(".partial")
    with open(temporary, "wb") as file:
        file.write(struct.pack("<Q", len(header_bytes)))
        file.write(header_bytes)
        for name in sorted(arrays):
            file.write(np.ascontiguousarray(arrays[name], dtype="<f4").tobytes())
    temporary.replace(path)


def config() -> dict:
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "layer_norm_epsilon": 1e-5,
        "model_type": "gpt2",
        "n_ctx": POSITIONS,
        "n_embd": D_MODEL,
        "n_head": HEADS,
        "n_inner": None,
        "n_layer": LAYERS,
        "n_positions": POSITIONS,
        "tie_word_embeddings": True,
        "torch_dtype": "float32",
        "vocab_size": VOCAB,
    }


def main() -> None:
    force = "--force" in sys.argv[1:]
    if (OUT / "model.safetensors").exists() and not force:
        print(f"make_checkpoint: {OUT.relative_to(ROOT)} exists; pass --force to write it again")
        return
    OUT.mkdir(parents=True, exist_ok=True)
    source = next((folder for folder in TOKENIZER_SOURCES if (folder / "tokenizer.json").exists()), None)
    if source is None:
        sys.exit("make_checkpoint: no tokenizer.json in media/model or test/fixtures/models/gpt2 to copy")
    shutil.copyfile(source / "tokenizer.json", OUT / "tokenizer.json")
    (OUT / "config.json").write_text(json.dumps(config(), indent=2) + "\n")
    write_safetensors(OUT / "model.safetensors", tensors())
    size = (OUT / "model.safetensors").stat().st_size
    print(f"make_checkpoint: wrote {OUT.relative_to(ROOT)} ({size / 2**20:.0f} MiB, tokenizer from {source.relative_to(ROOT)})")


if __name__ == "__main__":
    main()
