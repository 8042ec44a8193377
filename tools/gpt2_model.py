"""GPT-2 in plain PyTorch, laid out as Hugging Face's GPT2LMHeadModel.

Parameter names and shapes match the `transformer.*` tensors that
transformers saves for GPT2LMHeadModel: Conv1D weights are stored
[in_features, out_features] and applied as x @ W + b, the output projection
is tied to `wte`, blocks are pre-norm, the MLP uses the tanh approximation of
GELU ("gelu_new"), and a final layer norm `ln_f` precedes the output
projection. Dropout is left out because training uses none.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F


class Conv1D(nn.Module):
    """Linear layer with the weight stored [in_features, out_features], as in GPT-2."""

    def __init__(self, in_features: int, out_features: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(in_features, out_features))
        self.bias = nn.Parameter(torch.zeros(out_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        shape = x.shape[:-1] + (self.weight.shape[1],)
        flat = torch.addmm(self.bias, x.reshape(-1, x.shape[-1]), self.weight)
        return flat.reshape(shape)


class Attention(nn.Module):
    def __init__(self, n_embd: int, n_head: int, n_positions: int):
        super().__init__()
        if n_embd % n_head != 0:
            raise ValueError(f"n_embd {n_embd} is not divisible by n_head {n_head}")
        self.n_head = n_head
        self.head_dim = n_embd // n_head
        self.c_attn = Conv1D(n_embd, 3 * n_embd)
        self.c_proj = Conv1D(n_embd, n_embd)
        mask = torch.tril(torch.ones(n_positions, n_positions, dtype=torch.bool))
        self.register_buffer("causal_mask", mask, persistent=False)

    def forward(self, x: torch.Tensor, return_weights: bool = False):
        batch, n, d = x.shape
        q, k, v = self.c_attn(x).split(d, dim=2)
        # [batch, heads, n, head_dim]
        q = q.view(batch, n, self.n_head, self.head_dim).transpose(1, 2)
        k = k.view(batch, n, self.n_head, self.head_dim).transpose(1, 2)
        v = v.view(batch, n, self.n_head, self.head_dim).transpose(1, 2)
        # [batch, heads, n, n]
        scores = (q @ k.transpose(-2, -1)) / math.sqrt(self.head_dim)
        scores = scores.masked_fill(~self.causal_mask[:n, :n], torch.finfo(scores.dtype).min)
        weights = F.softmax(scores, dim=-1)
        out = (weights @ v).transpose(1, 2).reshape(batch, n, d)
        out = self.c_proj(out)
        return (out, weights) if return_weights else (out, None)


class MLP(nn.Module):
    def __init__(self, n_embd: int):
        super().__init__()
        self.c_fc = Conv1D(n_embd, 4 * n_embd)
        self.c_proj = Conv1D(4 * n_embd, n_embd)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.c_proj(F.gelu(self.c_fc(x), approximate="tanh"))


class Block(nn.Module):
    def __init__(self, n_embd: int, n_head: int, n_positions: int, eps: float):
        super().__init__()
        self.ln_1 = nn.LayerNorm(n_embd, eps=eps)
        self.attn = Attention(n_embd, n_head, n_positions)
        self.ln_2 = nn.LayerNorm(n_embd, eps=eps)
        self.mlp = MLP(n_embd)

    def forward(self, x: torch.Tensor, return_weights: bool = False):
        attn_out, weights = self.attn(self.ln_1(x), return_weights)
        x = x + attn_out
        x = x + self.mlp(self.ln_2(x))
        return x, weights


class Transformer(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.wte = nn.Embedding(cfg["vocab_size"], cfg["n_embd"])
        self.wpe = nn.Embedding(cfg["n_positions"], cfg["n_embd"])
        self.h = nn.ModuleList(
            Block(cfg["n_embd"], cfg["n_head"], cfg["n_positions"], cfg["layer_norm_epsilon"])
            for _ in range(cfg["n_layer"])
        )
        self.ln_f = nn.LayerNorm(cfg["n_embd"], eps=cfg["layer_norm_epsilon"])


class GPT2LMHeadModel(nn.Module):
    def __init__(self, cfg: dict):
        super().__init__()
        self.cfg = dict(cfg)
        self.transformer = Transformer(cfg)
        self._init_weights()

    def _init_weights(self) -> None:
        # GPT-2 initialisation: N(0, 0.02) everywhere, with the residual output
        # projections scaled by 1/sqrt(2 * n_layer); layer norms start at 1 and 0.
        std = 0.02
        for name, p in self.named_parameters():
            if name.endswith("ln_1.weight") or name.endswith("ln_2.weight") or name.endswith("ln_f.weight"):
                nn.init.ones_(p)
            elif name.endswith(".bias"):
                nn.init.zeros_(p)
            elif name.endswith("c_proj.weight"):
                nn.init.normal_(p, 0.0, std / math.sqrt(2 * self.cfg["n_layer"]))
            else:
                nn.init.normal_(p, 0.0, std)

    def forward(self, ids: torch.Tensor, return_weights: bool = False):
        """Return logits [batch, n, vocab] and, if asked, each layer's attention [batch, heads, n, n]."""
        n = ids.shape[1]
        if n > self.cfg["n_positions"]:
            raise ValueError(f"sequence of {n} tokens exceeds n_positions {self.cfg['n_positions']}")
        t = self.transformer
        positions = torch.arange(n, device=ids.device)
        x = t.wte(ids) + t.wpe(positions)[None]
        all_weights = []
        for block in t.h:
            x, weights = block(x, return_weights)
            all_weights.append(weights)
        x = t.ln_f(x)
        logits = x @ t.wte.weight.t()
        return (logits, all_weights) if return_weights else logits

    def loss(self, ids: torch.Tensor) -> torch.Tensor:
        """Mean next-token cross-entropy in nats over ids [batch, n] (n - 1 predictions per row)."""
        logits = self.forward(ids[:, :-1])
        targets = ids[:, 1:]
        return F.cross_entropy(logits.reshape(-1, logits.shape[-1]), targets.reshape(-1))
