"""Serialize PyTorch tensors in the safetensors format.

Layout (https://github.com/huggingface/safetensors): an unsigned 64-bit
little-endian header size comes first. The JSON header follows, mapping each
tensor name to its dtype, shape and [begin, end) byte offsets into the data
section, padded with spaces to a multiple of 8 bytes. The little-endian
tensor bytes come last, in header order.
"""

import json
import struct

import torch

DTYPES = {torch.float16: "F16", torch.bfloat16: "BF16", torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(tensors: dict, metadata: dict = None) -> bytes:
    """Return the safetensors file bytes for {name: tensor}, tensors stored in sorted name order."""
    header = {}
    chunks = []
    offset = 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().contiguous().cpu()
        if tensor.dtype not in DTYPES:
            raise ValueError(f"tensor {name} has dtype {tensor.dtype}; supported: {list(DTYPES)}")
        # View the storage as bytes; x86 and the format are both little-endian.
        data = tensor.view(-1).view(torch.uint8).numpy().tobytes() if tensor.numel() else b""
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    if metadata:
        header["__metadata__"] = {str(k): str(v) for k, v in metadata.items()}
    header_bytes = json.dumps(header, separators=(",", ":")).encode()
    header_bytes += b" " * (-len(header_bytes) % 8)
    return struct.pack("<Q", len(header_bytes)) + header_bytes + b"".join(chunks)
