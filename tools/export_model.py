#!/usr/bin/python3
"""Export a training checkpoint as the Hugging Face GPT-2 folder that ships in media/model/.

Usage: /usr/bin/python3 tools/export_model.py [--checkpoint .cache/train/ckpt.pt]

Writes config.json, model.safetensors (F16), tokenizer.json,
tokenizer_config.json and training.json to media/model/, and the held-out
fixture test/fixtures/shipped/{heldout.txt,heldout.json}. Every loss is
computed with the exported F16 weights converted back to float32, so the
engine, which reads the same file, can match it. Each file is replaced
atomically, so a reader never sees half a file. Safe to run while training
continues: it reads the checkpoint, never writes it.
"""

import argparse
import hashlib
import json
import os
import platform
import string
import subprocess
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpt2_model import GPT2LMHeadModel  # noqa: E402
import ngram_baselines  # noqa: E402
import train_model  # noqa: E402
from safetensors_writer import write_safetensors  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "media" / "model"
FIXTURE_DIR = ROOT / "test" / "fixtures" / "shipped"
TOKENS_DIR = ROOT / ".cache" / "tokens"
CORPUS_DIR = ROOT / ".cache" / "corpus"
MANIFEST = ROOT / "tools" / "corpus" / "manifest.tsv"
CARD_TEMPLATE = ROOT / "tools" / "model_card_template.md"
END_OF_TEXT = "<|endoftext|>"
SIZE_LIMIT_BYTES = 8 * 1024 * 1024
# A validation document that mixes English prose with Python examples.
HELDOUT_SOURCE = "/usr/share/doc/python3.11/html/_sources/tutorial/datastructures.rst.txt"


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_json(path: Path, value) -> None:
    write_atomic(path, (json.dumps(value, indent=2, ensure_ascii=False) + "\n").encode())


def hf_config(mc: dict, eos_id: int) -> dict:
    """Return the keys transformers writes for a GPT2LMHeadModel config, with this model's values."""
    return {
        "activation_function": "gelu_new",
        "architectures": ["GPT2LMHeadModel"],
        "attn_pdrop": 0.0,
        "bos_token_id": eos_id,
        "embd_pdrop": 0.0,
        "eos_token_id": eos_id,
        "initializer_range": 0.02,
        "layer_norm_epsilon": mc["layer_norm_epsilon"],
        "model_type": "gpt2",
        "n_ctx": mc["n_positions"],
        "n_embd": mc["n_embd"],
        "n_head": mc["n_head"],
        "n_inner": None,
        "n_layer": mc["n_layer"],
        "n_positions": mc["n_positions"],
        "reorder_and_upcast_attn": False,
        "resid_pdrop": 0.0,
        "scale_attn_by_inverse_layer_idx": False,
        "scale_attn_weights": True,
        "summary_activation": None,
        "summary_first_dropout": 0.1,
        "summary_proj_to_labels": True,
        "summary_type": "cls_index",
        "summary_use_proj": True,
        "tie_word_embeddings": True,
        "torch_dtype": "float16",
        "use_cache": True,
        "vocab_size": mc["vocab_size"],
    }


def tokenizer_config(n_positions: int, eos_id: int) -> dict:
    return {
        "add_bos_token": False,
        "add_prefix_space": False,
        "added_tokens_decoder": {
            str(eos_id): {"content": END_OF_TEXT, "lstrip": False, "normalized": True, "rstrip": False,
                          "single_word": False, "special": True},
        },
        "bos_token": END_OF_TEXT,
        "clean_up_tokenization_spaces": False,
        "eos_token": END_OF_TEXT,
        "model_max_length": n_positions,
        "tokenizer_class": "GPT2Tokenizer",
        "unk_token": END_OF_TEXT,
    }


def tokenize(tokenizer_path: Path, text: str) -> list:
    result = subprocess.run(["node", str(ROOT / "tools" / "tokenize_text.mjs"), str(tokenizer_path)],
                            input=text.encode(), capture_output=True, cwd=ROOT, check=False)
    if result.returncode != 0:
        raise SystemExit(f"tools/tokenize_text.mjs failed: {result.stderr.decode()}")
    return json.loads(result.stdout)


def heldout_text(tokenizer_path: Path, max_tokens: int) -> tuple:
    """Cut whole lines from HELDOUT_SOURCE, after its first blank line past line 10, up to max_tokens tokens."""
    document = None
    with open(CORPUS_DIR / "validation.jsonl") as f:
        for line in f:
            entry = json.loads(line)
            if entry["source"] == HELDOUT_SOURCE:
                document = entry["text"]
                break
    if document is None:
        raise SystemExit(f"{HELDOUT_SOURCE} is not in the validation split; rerun tools/corpus/gather.py")
    lines = document.splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if i > 10 and line.strip() == "" and lines[i + 1].strip())
    low, high = 1, len(lines) - start - 1
    best = None
    # Longest run of whole lines that fits in the context window: binary search on the line count.
    while low <= high:
        middle = (low + high) // 2
        text = "".join(lines[start + 1:start + 1 + middle])
        ids = tokenize(tokenizer_path, text)
        if len(ids) <= max_tokens:
            best, low = (text, ids), middle + 1
        else:
            high = middle - 1
    return best


def hardware(threads: int) -> dict:
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    return {
        "cpu": cpu,
        "logical_cores": os.cpu_count(),
        "torch_threads": threads,
        "torch": torch.__version__,
        "blas": "OpenBLAS (Debian python3-torch)",
        "python": platform.python_version(),
    }


def corpus_summary() -> dict:
    totals = {}
    npm_licences = {}
    with open(MANIFEST) as f:
        next(f)
        for line in f:
            kind, source, licence, _file, _files, size, split = line.rstrip("\n").split("\t")
            if source.startswith("npm:"):
                npm_licences[source] = licence
            origin = "npm" if source.startswith("npm:") else (
                "python-doc" if source.startswith("/usr/share/doc") else "python-stdlib")
            key = f"{split}/{origin}/{kind}"
            totals[key] = totals.get(key, 0) + int(size)
    train_tokens = os.path.getsize(TOKENS_DIR / "train.u16") // 2
    validation_tokens = os.path.getsize(TOKENS_DIR / "validation.u16") // 2
    licence_counts = {}
    for licence in npm_licences.values():
        licence_counts[licence] = licence_counts.get(licence, 0) + 1
    return {"bytes": dict(sorted(totals.items())), "train_tokens": train_tokens,
            "validation_tokens": validation_tokens, "npm_packages": len(npm_licences),
            "npm_packages_by_licence": dict(sorted(licence_counts.items(), key=lambda kv: -kv[1]))}


def model_card(training: dict, mc: dict, merges: int, model_bytes: int) -> str:
    """Fill tools/model_card_template.md with the figures of training.json."""
    tc = training["config"]["training"]
    corpus = training["corpus"]
    size = corpus["bytes"]
    windows = training["baselines"]["validation_windows"]
    stream = training["baselines"]["validation_stream"]
    hw = training["hardware"]
    window = mc["n_positions"] + 1
    train_bytes = sum(v for k, v in size.items() if k.startswith("train/"))
    minutes = training["training_seconds"] / 60

    values = {
        "exported_at": training["exported_at"],
        "step": training["checkpoint_step"],
        "incomplete": "" if training["complete"] else " (training not finished when this checkpoint was exported)",
        "n_layer": mc["n_layer"], "n_head": mc["n_head"], "head_dim": mc["n_embd"] // mc["n_head"],
        "n_embd": mc["n_embd"], "n_inner": 4 * mc["n_embd"], "n_positions": mc["n_positions"],
        "vocab_size": mc["vocab_size"], "parameters": f"{training['parameters']:,}",
        "model_bytes": f"{model_bytes:,}", "merges": merges, "eos_id": mc["vocab_size"] - 1,
        "bytes_per_token": f"{train_bytes / corpus['train_tokens']:.2f}",
        "npm_packages": corpus["npm_packages"],
        "npm_licences": ", ".join(f"{k} ({v})" for k, v in corpus["npm_packages_by_licence"].items()),
        "npm_code_train": f"{size.get('train/npm/code', 0):,}",
        "npm_code_validation": f"{size.get('validation/npm/code', 0):,}",
        "npm_prose_train": f"{size.get('train/npm/prose', 0):,}",
        "npm_prose_validation": f"{size.get('validation/npm/prose', 0):,}",
        "stdlib_train": f"{size.get('train/python-stdlib/code', 0):,}",
        "stdlib_validation": f"{size.get('validation/python-stdlib/code', 0):,}",
        "doc_train": f"{size.get('train/python-doc/prose', 0):,}",
        "doc_validation": f"{size.get('validation/python-doc/prose', 0):,}",
        "train_tokens": f"{corpus['train_tokens']:,}", "validation_tokens": f"{corpus['validation_tokens']:,}",
        "betas": f"{tc['adam_beta1']}, {tc['adam_beta2']}", "weight_decay": tc["weight_decay"],
        "batch_size": tc["batch_size"], "window": window, "warmup_steps": tc["warmup_steps"],
        "peak_lr": tc["peak_learning_rate"], "min_lr": tc["min_learning_rate"],
        "grad_clip": tc["grad_clip_norm"], "seed": tc["seed"],
        "time_budget": tc.get("time_budget_seconds"), "max_steps": tc["max_steps"],
        "tokens_seen": f"{training['tokens_seen']:,}",
        "training_time": f"{minutes:.0f} min in the training loop (steps and evaluations)",
        "hardware": (f"{hw['cpu']}, {hw['logical_cores']} cores shared with other jobs, PyTorch {hw['torch']} "
                     f"with {hw['blas']}, {hw['torch_threads']} threads"),
        "scored_predictions": f"{windows['predictions']:,}", "eval_sequences": tc["eval_sequences"],
        "validation_loss": f"{training['losses']['validation']:.4f}",
        "train_loss": f"{training['losses']['train']:.4f}",
        "bigram": f"{windows['bigram_cross_entropy']:.4f}", "unigram": f"{windows['unigram_cross_entropy']:.4f}",
        "bigram_weight": windows["bigram_interpolation_weight"],
        "stream_predictions": f"{stream['predictions']:,}",
        "stream_unigram": f"{stream['unigram_cross_entropy']:.4f}",
        "stream_bigram": f"{stream['bigram_cross_entropy']:.4f}",
        "heldout_tokens": training["heldout"]["tokens"],
        "heldout_ce": f"{training['heldout']['mean_cross_entropy']:.4f}",
    }

    return string.Template(CARD_TEMPLATE.read_text()).substitute(values)


def export(checkpoint_path: Path) -> None:
    started = time.monotonic()
    torch.set_num_threads(1)  # leave the other core to the training run
    state = torch.load(checkpoint_path)
    config = state["config"]
    mc = config["model"]
    tokenizer_source = TOKENS_DIR / "tokenizer.json"
    eos_id = mc["vocab_size"] - 1

    model = GPT2LMHeadModel(mc)
    model.load_state_dict(state["model"])
    # HF GPT2LMHeadModel minus the tied lm_head.weight; the causal mask is not a parameter.
    tensors = {name: p.detach().to(torch.float16).contiguous()
               for name, p in model.state_dict().items()}
    safetensors_bytes = write_safetensors(tensors, metadata={"format": "pt"})

    # Evaluate exactly what ships: F16 weights widened back to float32.
    model.load_state_dict({name: t.to(torch.float32) for name, t in tensors.items()})
    model.eval()

    tokenizer_bytes = tokenizer_source.read_bytes()
    files = {
        "config.json": (json.dumps(hf_config(mc, eos_id), indent=2) + "\n").encode(),
        "model.safetensors": safetensors_bytes,
        "tokenizer.json": tokenizer_bytes,
        "tokenizer_config.json": (json.dumps(tokenizer_config(mc["n_positions"], eos_id), indent=2) + "\n").encode(),
    }
    total = sum(len(b) for b in files.values())
    if total > SIZE_LIMIT_BYTES:
        raise SystemExit(f"model folder would be {total} bytes, over the {SIZE_LIMIT_BYTES}-byte limit")

    text, ids = heldout_text(tokenizer_source, mc["n_positions"])
    ids_tensor = torch.tensor([ids], dtype=torch.int64)
    with torch.no_grad():
        logits = model(ids_tensor[:, :-1])
        per_position = torch.nn.functional.cross_entropy(logits[0], ids_tensor[0, 1:], reduction="none")
    heldout_ce = float(per_position.mean())

    # The fixed, evenly spaced windows that training evaluates on, and as many from train.
    window_length = mc["n_positions"] + 1
    count = config["training"]["eval_sequences"]
    validation_windows = train_model.validation_windows(train_model.load_tokens("validation"), count, window_length)
    train_windows = train_model.validation_windows(train_model.load_tokens("train"), count, window_length)
    validation_ce = train_model.evaluate(model, validation_windows, 16)
    train_ce = train_model.evaluate(model, train_windows, 16)
    baselines = ngram_baselines.compute(mc["vocab_size"], validation_windows.numpy())
    history = state["history"]

    training = {
        "checkpoint_step": state["step"],
        "max_steps": config["training"]["max_steps"],
        # A run ends at max_steps or, when time_budget_seconds is set, when its training time reaches the budget.
        "complete": state["step"] >= config["training"]["max_steps"]
        or state["elapsed_seconds"] >= config["training"].get("time_budget_seconds", float("inf")),
        "tokens_seen": state["tokens_seen"],
        "training_seconds": round(state["elapsed_seconds"], 1),
        "training_seconds_note": "time in the training loop (steps and evaluations), without checkpoint writes",
        "hardware": hardware(config["training"]["threads"]),
        "parameters": sum(p.numel() for p in model.parameters()),
        "config": config,
        "losses": {
            "unit": "nats per token, next-token cross-entropy, F16 weights evaluated in float32",
            "scored_on": (f"{count} evenly spaced windows of {window_length} tokens from each split, "
                          f"{count * (window_length - 1)} predictions, the windows training evaluates on"),
            "train": round(train_ce, 5),
            "train_last_50_steps_mean": history[-1]["train_loss"] if history else None,
            "validation": round(validation_ce, 5),
        },
        "baselines": baselines,
        "heldout": {"file": "test/fixtures/shipped/heldout.txt", "tokens": len(ids),
                    "mean_cross_entropy": round(heldout_ce, 6)},
        "history": history,
        "corpus": corpus_summary(),
        "tokenizer": {"type": "byte-level BPE", "vocab_size": mc["vocab_size"], "end_of_text_id": eos_id,
                      "trained_by": "tools/train_tokenizer.mjs (npm tokenizers 0.23.2)"},
        "model_sha256": hashlib.sha256(safetensors_bytes).hexdigest(),
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    heldout = {
        "source": HELDOUT_SOURCE,
        "model": "media/model",
        "model_sha256": training["model_sha256"],
        "ids": ids,
        "mean_cross_entropy": heldout_ce,
        "cross_entropy_per_position": [round(float(v), 6) for v in per_position],
        "note": ("mean over the len(ids) - 1 next-token predictions in nats, one forward pass over all ids, "
                 "no special tokens added, PyTorch float32 on the F16 weights of model.safetensors"),
    }

    for name, data in files.items():
        write_atomic(OUT_DIR / name, data)
    write_json(OUT_DIR / "training.json", training)
    merges = len(json.loads(tokenizer_bytes)["model"]["merges"])
    write_atomic(OUT_DIR / "README.md", model_card(training, mc, merges, len(safetensors_bytes)).encode())
    write_atomic(FIXTURE_DIR / "heldout.txt", text.encode())
    write_json(FIXTURE_DIR / "heldout.json", heldout)
    print(f"exported step {state['step']} ({total} bytes) to {OUT_DIR} in {time.monotonic() - started:.0f} s: "
          f"validation {validation_ce:.4f}, train {train_ce:.4f}, held-out {heldout_ce:.4f} "
          f"over {len(ids)} tokens, unigram {baselines['validation_windows']['unigram_cross_entropy']}, "
          f"bigram {baselines['validation_windows']['bigram_cross_entropy']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checkpoint", type=Path, default=ROOT / ".cache" / "train" / "ckpt.pt",
                        help="training checkpoint to export (default: the newest one)")
    args = parser.parse_args()
    if not args.checkpoint.exists():
        raise SystemExit(f"{args.checkpoint} not found: train with tools/train_model.py first")
    export(args.checkpoint)


if __name__ == "__main__":
    main()
