#!/usr/bin/python3
"""Unigram and bigram cross-entropy baselines of the shipped tokenizer on the validation split.

Counts come from .cache/tokens/train.u16. They are scored on every next-token
transition of .cache/tokens/validation.u16, and on the transitions inside the
fixed validation windows that tools/train_model.py and tools/export_model.py
score the model on. Both models are smoothed so that no probability is zero:
  unigram  p(b)      = (count(b) + 1) / (N + V)                       (add-one)
  bigram   p(b | a)  = lam * count(a, b) / count(a) + (1 - lam) * p(b)
with lam (the Jelinek-Mercer weight) chosen on the validation split itself
from a grid, which can only flatter the bigram baseline.
Writes .cache/train/baselines.json; values are in nats per token.
"""

import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TOKENS_DIR = ROOT / ".cache" / "tokens"
OUTPUT = ROOT / ".cache" / "train" / "baselines.json"
LAMBDA_GRID = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 0.98]


def score(unigram, bigram_counts, context_counts, previous, following) -> tuple:
    """Return (unigram CE, best bigram CE, its interpolation weight) over the given transitions."""
    unigram_ce = float(-np.log(unigram[following]).mean())
    with np.errstate(divide="ignore", invalid="ignore"):
        maximum_likelihood = np.where(context_counts[previous] > 0,
                                      bigram_counts[previous, following] / context_counts[previous], 0.0)
    best = None
    for lam in LAMBDA_GRID:
        ce = float(-np.log(lam * maximum_likelihood + (1 - lam) * unigram[following]).mean())
        if best is None or ce < best[1]:
            best = (lam, ce)
    return unigram_ce, best[1], best[0]


def compute(vocab_size: int, windows: np.ndarray = None) -> dict:
    """Baselines on the whole validation stream and, if given, on windows int64 [count, length]."""
    train = np.fromfile(TOKENS_DIR / "train.u16", dtype=np.uint16).astype(np.int64)
    validation = np.fromfile(TOKENS_DIR / "validation.u16", dtype=np.uint16).astype(np.int64)

    unigram_counts = np.bincount(train, minlength=vocab_size).astype(np.float64)
    unigram = (unigram_counts + 1.0) / (unigram_counts.sum() + vocab_size)

    # [vocab, vocab] row-major: bigram_counts[a, b] counts a followed by b in train.
    pairs = train[:-1] * vocab_size + train[1:]
    bigram_counts = np.bincount(pairs, minlength=vocab_size * vocab_size).reshape(vocab_size, vocab_size)
    context_counts = bigram_counts.sum(axis=1).astype(np.float64)

    result = {"unit": "nats per token", "train_tokens": int(len(train)),
              "smoothing": "unigram add-one; bigram interpolated with the unigram, weight chosen on the scored set"}
    unigram_ce, bigram_ce, lam = score(unigram, bigram_counts, context_counts, validation[:-1], validation[1:])
    result["validation_stream"] = {"unigram_cross_entropy": round(unigram_ce, 5),
                                   "bigram_cross_entropy": round(bigram_ce, 5),
                                   "bigram_interpolation_weight": lam,
                                   "predictions": int(len(validation) - 1)}
    if windows is not None:
        previous, following = windows[:, :-1].reshape(-1), windows[:, 1:].reshape(-1)
        unigram_ce, bigram_ce, lam = score(unigram, bigram_counts, context_counts, previous, following)
        result["validation_windows"] = {"unigram_cross_entropy": round(unigram_ce, 5),
                                        "bigram_cross_entropy": round(bigram_ce, 5),
                                        "bigram_interpolation_weight": lam,
                                        "predictions": int(previous.size)}
    return result


def main() -> None:
    import train_model  # noqa: E402  (same folder)
    config = train_model.load_config()
    mc, tc = config["model"], config["training"]
    windows = train_model.validation_windows(train_model.load_tokens("validation"), tc["eval_sequences"],
                                             mc["n_positions"] + 1).numpy()
    result = compute(mc["vocab_size"], windows)
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    OUTPUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
