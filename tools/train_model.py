#!/usr/bin/python3
"""Train the shipped GPT-2 model on the token ids written by tools/train_tokenizer.mjs.

Run with Debian's PyTorch:  /usr/bin/python3 tools/train_model.py
The model and training settings come from tools/model_config.json. The script
resumes from .cache/train/ckpt.pt when it exists, writes a checkpoint (model,
optimizer, step, tokens seen, RNG states) atomically every
`checkpoint_interval_seconds` and on SIGTERM or SIGINT, and appends one line a
step to .cache/train/log.txt. `--bench` times a few steps of candidate sizes
on random tokens instead of training.
"""

import argparse
import json
import math
import os
import signal
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from gpt2_model import GPT2LMHeadModel  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CONFIG_PATH = ROOT / "tools" / "model_config.json"
TOKENS_DIR = ROOT / ".cache" / "tokens"
TRAIN_DIR = ROOT / ".cache" / "train"
CHECKPOINT_PATH = TRAIN_DIR / "ckpt.pt"
LOG_PATH = TRAIN_DIR / "log.txt"


def load_config() -> dict:
    with open(CONFIG_PATH) as f:
        return json.load(f)


def load_tokens(name: str) -> np.ndarray:
    path = TOKENS_DIR / f"{name}.u16"
    if not path.exists():
        raise SystemExit(f"{path} not found: run tools/train_tokenizer.mjs first")
    return np.memmap(path, dtype=np.uint16, mode="r")


def progress(step: int, elapsed: float, tc: dict) -> float:
    """Fraction of the run done: by steps, or by training time when time_budget_seconds is set.

    The time budget lets the run end on time on a machine shared with other work,
    at the cost of a step count that depends on the machine's load.
    """
    done = step / tc["max_steps"]
    if tc.get("time_budget_seconds"):
        done = max(done, elapsed / tc["time_budget_seconds"])
    return min(1.0, done)


def learning_rate(step: int, elapsed: float, warmup_done: float, tc: dict) -> float:
    """Linear warmup over warmup_steps, then cosine decay to the minimum as progress goes to 1.

    warmup_done is the progress when warmup ended, so the cosine starts at the peak.
    """
    peak, low = tc["peak_learning_rate"], tc["min_learning_rate"]
    if step < tc["warmup_steps"]:
        return peak * (step + 1) / tc["warmup_steps"]
    done = progress(step, elapsed, tc)
    fraction = min(1.0, (done - warmup_done) / max(1e-9, 1.0 - warmup_done))
    return low + 0.5 * (peak - low) * (1.0 + math.cos(math.pi * fraction))


def make_optimizer(model: torch.nn.Module, tc: dict) -> torch.optim.Optimizer:
    # Weight decay applies to matrices (including the tied embedding), not to
    # biases, layer-norm parameters or the position table.
    decay, no_decay = [], []
    for name, p in model.named_parameters():
        (decay if p.dim() == 2 and "wpe" not in name else no_decay).append(p)
    groups = [
        {"params": decay, "weight_decay": tc["weight_decay"]},
        {"params": no_decay, "weight_decay": 0.0},
    ]
    return torch.optim.AdamW(groups, lr=tc["peak_learning_rate"], betas=(tc["adam_beta1"], tc["adam_beta2"]))


def sample_batch(tokens: np.ndarray, batch: int, length: int, generator: torch.Generator) -> torch.Tensor:
    """Draw `batch` windows of `length` tokens at uniform random offsets; returns int64 [batch, length]."""
    starts = torch.randint(0, len(tokens) - length, (batch,), generator=generator).tolist()
    rows = [np.asarray(tokens[s:s + length], dtype=np.int64) for s in starts]
    return torch.from_numpy(np.stack(rows))


def validation_windows(tokens: np.ndarray, count: int, length: int) -> torch.Tensor:
    """Fixed, evenly spaced validation windows int64 [count, length], the same on every evaluation."""
    stride = (len(tokens) - length) // count
    rows = [np.asarray(tokens[i * stride:i * stride + length], dtype=np.int64) for i in range(count)]
    return torch.from_numpy(np.stack(rows))


@torch.no_grad()
def evaluate(model: GPT2LMHeadModel, windows: torch.Tensor, batch: int) -> float:
    model.eval()
    total, count = 0.0, 0
    for i in range(0, windows.shape[0], batch):
        chunk = windows[i:i + batch]
        total += model.loss(chunk).item() * chunk.shape[0]
        count += chunk.shape[0]
    model.train()
    return total / count


def save_checkpoint(state: dict) -> None:
    TRAIN_DIR.mkdir(parents=True, exist_ok=True)
    tmp = CHECKPOINT_PATH.with_suffix(".tmp")
    torch.save(state, tmp)
    os.replace(tmp, CHECKPOINT_PATH)


def log_line(text: str) -> None:
    line = f"{time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {text}"
    print(line, flush=True)
    with open(LOG_PATH, "a") as f:
        f.write(line + "\n")


def train() -> None:
    config = load_config()
    mc, tc = config["model"], config["training"]
    torch.set_num_threads(tc["threads"])
    torch.manual_seed(tc["seed"])
    TRAIN_DIR.mkdir(parents=True, exist_ok=True)

    train_tokens = load_tokens("train")
    val_tokens = load_tokens("validation")
    length = mc["n_positions"] + 1
    val_windows = validation_windows(val_tokens, tc["eval_sequences"], length)

    model = GPT2LMHeadModel(mc)
    optimizer = make_optimizer(model, tc)
    generator = torch.Generator().manual_seed(tc["seed"])
    step, tokens_seen, elapsed, history = 0, 0, 0.0, []
    warmup_done = None  # progress at the end of warmup, fixed once reached

    if CHECKPOINT_PATH.exists():
        state = torch.load(CHECKPOINT_PATH)
        if state["config"]["model"] != mc or state["config"]["training"]["seed"] != tc["seed"] \
                or state["config"]["training"]["batch_size"] != tc["batch_size"]:
            raise SystemExit(
                f"{CHECKPOINT_PATH} was written with another model, seed or batch size in "
                "tools/model_config.json; move it away to start a new run")
        if state["config"] != config:
            log_line(f"training settings changed on resume: was {json.dumps(state['config']['training'], sort_keys=True)}, "
                     f"now {json.dumps(tc, sort_keys=True)}")
        model.load_state_dict(state["model"])
        optimizer.load_state_dict(state["optimizer"])
        generator.set_state(state["generator"])
        torch.set_rng_state(state["torch_rng"])
        step, tokens_seen, elapsed = state["step"], state["tokens_seen"], state["elapsed_seconds"]
        history = state["history"]
        warmup_done = state.get("warmup_done")
        log_line(f"resumed step={step} tokens={tokens_seen} elapsed={elapsed:.0f}s")
    else:
        params = sum(p.numel() for p in model.parameters())
        log_line(f"start params={params} train_tokens={len(train_tokens)} "
                 f"validation_tokens={len(val_tokens)} config={json.dumps(config, sort_keys=True)}")

    def snapshot() -> dict:
        return {
            "config": config,
            "model": model.state_dict(),
            "optimizer": optimizer.state_dict(),
            "generator": generator.get_state(),
            "torch_rng": torch.get_rng_state(),
            "step": step,
            "tokens_seen": tokens_seen,
            "elapsed_seconds": elapsed,
            "history": history,
            "warmup_done": warmup_done,
        }

    stop_requested = []
    signal.signal(signal.SIGTERM, lambda *_: stop_requested.append("SIGTERM"))
    signal.signal(signal.SIGINT, lambda *_: stop_requested.append("SIGINT"))

    last_save = time.monotonic()
    recent = []
    while progress(step, elapsed, tc) < 1.0 and not stop_requested:
        started = time.monotonic()
        if warmup_done is None and step >= tc["warmup_steps"]:
            warmup_done = progress(step, elapsed, tc)
        lr = learning_rate(step, elapsed, warmup_done or 0.0, tc)
        for group in optimizer.param_groups:
            group["lr"] = lr
        batch = sample_batch(train_tokens, tc["batch_size"], length, generator)
        loss = model.loss(batch)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        grad_norm = torch.nn.utils.clip_grad_norm_(model.parameters(), tc["grad_clip_norm"])
        optimizer.step()

        step += 1
        tokens_seen += tc["batch_size"] * mc["n_positions"]
        step_seconds = time.monotonic() - started
        recent = (recent + [loss.item()])[-50:]
        log_line(f"step={step} loss={loss.item():.4f} lr={lr:.2e} grad_norm={grad_norm:.3f} "
                 f"tokens={tokens_seen} step_s={step_seconds:.2f} elapsed_s={elapsed + step_seconds:.0f}")

        finished = progress(step, elapsed + step_seconds, tc) >= 1.0
        if step % tc["eval_interval_steps"] == 0 or finished:
            val_loss = evaluate(model, val_windows, tc["batch_size"])
            train_loss = sum(recent) / len(recent)
            history.append({"step": step, "tokens_seen": tokens_seen, "elapsed_seconds": round(elapsed + step_seconds, 1),
                            "train_loss": round(train_loss, 5), "validation_loss": round(val_loss, 5)})
            log_line(f"eval step={step} train_loss_mean50={train_loss:.4f} validation_loss={val_loss:.4f}")

        # Training time counts evaluation too, so the time budget holds for the whole loop.
        elapsed += time.monotonic() - started
        if time.monotonic() - last_save >= tc["checkpoint_interval_seconds"] or finished:
            save_checkpoint(snapshot())
            last_save = time.monotonic()
            log_line(f"checkpoint step={step} path={CHECKPOINT_PATH}")

    if stop_requested:
        save_checkpoint(snapshot())
        log_line(f"stopped by {stop_requested[0]} at step={step}; checkpoint saved, rerun to resume")
    else:
        log_line(f"finished step={step} tokens={tokens_seen} elapsed_s={elapsed:.0f}")


def bench(sizes: list, steps: int, batch: int) -> None:
    """Time training steps for candidate sizes "layers:heads:d_model:context" on random tokens."""
    config = load_config()
    tc = config["training"]
    torch.set_num_threads(tc["threads"])
    for size in sizes:
        n_layer, n_head, n_embd, n_positions = (int(v) for v in size.split(":"))
        mc = dict(config["model"], n_layer=n_layer, n_head=n_head, n_embd=n_embd, n_positions=n_positions)
        torch.manual_seed(0)
        model = GPT2LMHeadModel(mc)
        optimizer = make_optimizer(model, tc)
        ids = torch.randint(0, mc["vocab_size"], (batch, n_positions + 1))
        times = []
        for _ in range(steps):
            started = time.monotonic()
            loss = model.loss(ids)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            times.append(time.monotonic() - started)
        params = sum(p.numel() for p in model.parameters())
        best = min(times[1:]) if len(times) > 1 else times[0]
        median = sorted(times[1:])[len(times[1:]) // 2] if len(times) > 1 else times[0]
        print(f"size={size} params={params} batch={batch} best_s={best:.2f} median_s={median:.2f} "
              f"tokens_per_s={batch * n_positions / median:.0f}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", nargs="*", metavar="L:H:D:N",
                        help="time steps for sizes layers:heads:d_model:context instead of training")
    parser.add_argument("--bench-steps", type=int, default=4, help="steps timed per size")
    parser.add_argument("--bench-batch", type=int, default=32, help="sequences per step when timing")
    args = parser.parse_args()
    if args.bench is not None:
        bench(args.bench, args.bench_steps, args.bench_batch)
    else:
        train()


if __name__ == "__main__":
    main()
