"""Time PyTorch on the benchmark checkpoint, for comparison with the engine.

Loads a GPT-2 Hugging Face folder (F32 safetensors) into tools/gpt2_model.py,
then prints one JSON object on stdout: the forward time with every layer's
attention returned, for each requested length, and matmul GFLOP/s at the
forward pass's shapes. Token ids are (7919 i + 13) mod vocab_size, the same
as tools/bench/run.ts feeds the engine.

Usage: /usr/bin/python3 tools/bench/torch_forward.py FOLDER THREADS LENGTH...
Exit status 3 when PyTorch is not installed.
"""

import json
import struct
import sys
import time
from pathlib import Path

try:
    import torch
except ImportError:
    print(json.dumps({"error": "PyTorch is not installed for this Python"}))
    sys.exit(3)

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from gpt2_model import GPT2LMHeadModel  # noqa: E402


def read_safetensors(path: Path) -> dict:
    """Return {name: float32 tensor} from an F32 safetensors file."""
    data = path.read_bytes()
    (header_length,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + header_length])
    base = 8 + header_length
    out = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise ValueError(f"{path}: tensor {name} is {entry['dtype']}; the benchmark writes F32")
        begin, end = entry["data_offsets"]
        out[name] = torch.frombuffer(bytearray(data[base + begin:base + end]), dtype=torch.float32).reshape(entry["shape"])
    return out


def token_ids(n: int, vocab: int) -> torch.Tensor:
    return torch.tensor([[(7919 * i + 13) % vocab for i in range(n)]], dtype=torch.long)


def best_time(run, repeats: int) -> float:
    best = float("inf")
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def main() -> None:
    folder = Path(sys.argv[1])
    threads = int(sys.argv[2])
    lengths = [int(value) for value in sys.argv[3:]]
    torch.set_num_threads(threads)
    config = json.loads((folder / "config.json").read_text())
    model = GPT2LMHeadModel(config)
    model.load_state_dict(read_safetensors(folder / "model.safetensors"))
    model.eval()
    d = config["n_embd"]
    result = {"torch": torch.__version__, "threads": torch.get_num_threads(), "forward": {}, "matmul": []}
    with torch.no_grad():
        model(token_ids(16, config["vocab_size"]), return_weights=True)  # warm-up
        for n in lengths:
            ids = token_ids(n, config["vocab_size"])
            repeats = 2 if n <= 512 else 1
            result["forward"][str(n)] = best_time(lambda: model(ids, return_weights=True), repeats)
        # The four products of a GPT-2 block at 512 tokens: qkv, attention output, MLP up, MLP down.
        for m, k, n in [(512, d, 3 * d), (512, d, d), (512, d, 4 * d), (512, 4 * d, d)]:
            a = torch.randn(m, k)
            b = torch.randn(k, n)
            bias = torch.randn(n)
            torch.addmm(bias, a, b)
            seconds = best_time(lambda: torch.addmm(bias, a, b), 5)
            result["matmul"].append({"m": m, "k": k, "n": n, "gflops": 2 * m * k * n / seconds / 1e9})
    print(json.dumps(result))


if __name__ == "__main__":
    main()
