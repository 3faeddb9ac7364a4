"""TinyCausalLM — a TEST DOUBLE for the real policy: a small randomly initialised causal LM in pure torch
with LoRA-style adapters on every linear layer. Used by the tests and by `--model-backend tiny`; it
exercises the same PolicyModel interface as the transformers + peft glue.
"""

from __future__ import annotations

import json
import math
import os
from contextlib import contextmanager

import torch
from torch import nn

ADAPTER_FILE = 'adapter_model.pt'


class LoRALinear(nn.Module):
    def __init__(self, d_in: int, d_out: int, r: int, alpha: float):
        super().__init__()
        self.base = nn.Linear(d_in, d_out)
        self.base.weight.requires_grad_(False)
        self.base.bias.requires_grad_(False)
        self.lora_A = nn.Parameter(torch.randn(r, d_in) / math.sqrt(d_in))
        self.lora_B = nn.Parameter(torch.zeros(d_out, r))  # zero: the fresh adapter is the identity
        self.scaling = alpha / r
        self.enabled = True

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        y = self.base(x)
        if self.enabled:
            y = y + (x @ self.lora_A.t() @ self.lora_B.t()) * self.scaling
        return y


class _Block(nn.Module):
    def __init__(self, h: int, heads: int, r: int, alpha: float):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(h), nn.LayerNorm(h)
        self.qkv = LoRALinear(h, 3 * h, r, alpha)
        self.proj = LoRALinear(h, h, r, alpha)
        self.up = LoRALinear(h, 2 * h, r, alpha)
        self.down = LoRALinear(2 * h, h, r, alpha)
        for p in list(self.ln1.parameters()) + list(self.ln2.parameters()):
            p.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(h, dim=-1)
        q, k, v = (z.view(b, t, self.heads, h // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-1, -2)) / math.sqrt(h // self.heads)
        causal = torch.ones(t, t, dtype=torch.bool, device=x.device).tril()
        att = att.masked_fill(~causal, float('-inf')).softmax(-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(b, t, h))
        return x + self.down(torch.nn.functional.gelu(self.up(self.ln2(x))))


class TinyCausalLM(nn.Module):
    """Test double of the policy model (see the module docstring)."""

    def __init__(
        self, vocab_size: int = 256, hidden: int = 32, layers: int = 2, heads: int = 2,
        max_positions: int = 2048, r: int = 4, alpha: float = 8.0, seed: int = 0,
    ):  # fmt: skip
        super().__init__()
        g = torch.random.fork_rng()
        with g:
            torch.manual_seed(seed)
            self.vocab_size = vocab_size
            self.config = {'vocab_size': vocab_size, 'hidden': hidden, 'layers': layers, 'heads': heads,
                           'max_positions': max_positions, 'r': r, 'alpha': alpha}  # fmt: skip
            self.embed = nn.Embedding(vocab_size, hidden)
            self.pos = nn.Embedding(max_positions, hidden)
            self.blocks = nn.ModuleList(_Block(hidden, heads, r, alpha) for _ in range(layers))
            self.ln_f = nn.LayerNorm(hidden)
            self.head = LoRALinear(hidden, vocab_size, r, alpha)
        for p in list(self.embed.parameters()) + list(self.pos.parameters()) + list(self.ln_f.parameters()):
            p.requires_grad_(False)

    def hidden_states(self, input_ids: torch.Tensor) -> torch.Tensor:
        t = input_ids.shape[1]
        x = self.embed(input_ids) + self.pos(torch.arange(t, device=input_ids.device))[None]
        for blk in self.blocks:
            x = blk(x)
        return self.ln_f(x)

    def output_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.head(hidden)

    def logits(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.output_logits(self.hidden_states(input_ids))

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.logits(input_ids)

    def _lora(self) -> list[LoRALinear]:
        return [m for m in self.modules() if isinstance(m, LoRALinear)]

    def trainable_parameters(self) -> list[nn.Parameter]:
        return [p for p in self.parameters() if p.requires_grad]

    @contextmanager
    def adapter_disabled(self):
        mods = self._lora()
        for m in mods:
            m.enabled = False
        try:
            yield self
        finally:
            for m in mods:
                m.enabled = True

    def set_train(self, training: bool) -> None:
        self.train(training)

    def trainable_state(self) -> dict[str, torch.Tensor]:
        return {n: p.detach().clone() for n, p in self.named_parameters() if p.requires_grad}

    def load_trainable_state(self, state: dict[str, torch.Tensor]) -> None:
        params = dict(self.named_parameters())
        missing = [n for n, p in params.items() if p.requires_grad and n not in state]
        if missing:
            raise ValueError(f'adapter state lacks {missing[:3]}')
        with torch.no_grad():
            for n, v in state.items():
                params[n].copy_(v)

    def save_adapter(self, directory: str) -> list[str]:
        os.makedirs(directory, exist_ok=True)
        torch.save(self.trainable_state(), os.path.join(directory, ADAPTER_FILE))
        cfg = {'backend': 'tiny', 'peft_type': 'LORA', 'r': self.config['r'], 'lora_alpha': self.config['alpha'],
               'target_modules': 'all-linear', 'base_model': self.config}  # fmt: skip
        with open(os.path.join(directory, 'adapter_config.json'), 'w', encoding='utf-8') as f:
            json.dump(cfg, f, indent=2, sort_keys=True)
        return [ADAPTER_FILE, 'adapter_config.json']

    def load_adapter(self, directory: str) -> None:
        self.load_trainable_state(torch.load(os.path.join(directory, ADAPTER_FILE)))


class ToyChatTemplate:
    """TEST DOUBLE of a Qwen-style chat template (ChatML) for message mode, rendering tool calls as
    <tool_call>{json}</tool_call>; `prefix_preserving=False` mimics templates that rewrite earlier turns."""

    name = 'toy-chatml'
    end_of_turn = '<|im_end|>'

    def __init__(self, prefix_preserving: bool = True):
        self.prefix_preserving = prefix_preserving

    def _turn(self, m: dict, last: bool) -> str:
        body = m.get('content') or ''
        for tc in m.get('tool_calls') or []:
            fn = tc['function']
            body += f'<tool_call>{{"name": "{fn["name"]}", "arguments": {fn["arguments"]}}}</tool_call>'
        if m['role'] == 'tool':
            return f'<|im_start|>user\n<tool_response>{body}</tool_response><|im_end|>\n'
        if not self.prefix_preserving and m['role'] == 'assistant' and not last:
            body = '[earlier turn]'
        return f'<|im_start|>{m["role"]}\n{body}<|im_end|>\n'

    def render(self, messages: list[dict], tools: list | None, add_generation_prompt: bool, kwargs: dict) -> str:
        out = ''
        if tools:
            out += '<|im_start|>system\n# Tools ' + ','.join(t['function']['name'] for t in tools) + '<|im_end|>\n'
        for i, m in enumerate(messages):
            out += self._turn(m, i == len(messages) - 1)
        return out + ('<|im_start|>assistant\n' if add_generation_prompt else '')


class CharTokenizer:
    """TEST DOUBLE tokenizer: one token per character (code point clipped to the vocabulary); the
    special strings <|im_start|>/<|im_end|> are single tokens like in a real ChatML vocabulary."""

    SPECIAL = {'<|im_start|>': 1, '<|im_end|>': 2}

    def __init__(self, vocab_size: int = 256):
        self.vocab_size = vocab_size

    def encode_with_offsets(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        ids, offs, i = [], [], 0
        while i < len(text):
            sp = next((s for s in self.SPECIAL if text.startswith(s, i)), None)
            if sp:
                ids.append(self.SPECIAL[sp])
                offs.append((i, i + len(sp)))
                i += len(sp)
            else:
                ids.append(max(3, min(ord(text[i]), self.vocab_size - 1)))
                offs.append((i, i + 1))
                i += 1
        return ids, offs
