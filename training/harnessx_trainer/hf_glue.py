"""transformers + peft glue for the real job (SageMaker Hugging Face PyTorch DLC). Imports are lazy so the
torch-only core and its CPU tests never need transformers, peft or safetensors.

Runs on torch 2.x with transformers 4.56–5.x and peft 0.17–0.18; nothing newer-only is used.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import torch

from .config import TrainConfig

DTYPES = {'bfloat16': torch.bfloat16, 'float16': torch.float16, 'float32': torch.float32}


class HFPolicy:
    """PolicyModel over a peft-wrapped causal LM; LoRA layers are injected in place into the base model."""

    def __init__(self, peft_model, device: str):
        self.peft = peft_model
        self.base = peft_model.get_base_model()
        self.device = device
        self.vocab_size = int(self.base.get_output_embeddings().weight.shape[0])

    def _decoder(self):
        get = getattr(self.base, 'get_decoder', None)
        dec = get() if get is not None else None
        return dec if dec is not None else self.base.model

    def hidden_states(self, input_ids: torch.Tensor) -> torch.Tensor:
        ids = input_ids.to(self.device)
        out = self._decoder()(input_ids=ids, attention_mask=torch.ones_like(ids), use_cache=False)
        return out.last_hidden_state

    def output_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        return self.base.get_output_embeddings()(hidden)

    def logits(self, input_ids: torch.Tensor) -> torch.Tensor:
        return self.output_logits(self.hidden_states(input_ids))

    def trainable_parameters(self) -> list[torch.nn.Parameter]:
        return [p for p in self.peft.parameters() if p.requires_grad]

    @contextmanager
    def adapter_disabled(self):
        with self.peft.disable_adapter():
            yield self

    def set_train(self, training: bool) -> None:
        self.peft.train(training)

    def trainable_state(self) -> dict[str, torch.Tensor]:
        return {n: p.detach().cpu().clone() for n, p in self.peft.named_parameters() if p.requires_grad}

    def load_trainable_state(self, state: dict[str, torch.Tensor]) -> None:
        params = dict(self.peft.named_parameters())
        with torch.no_grad():
            for n, v in state.items():
                params[n].copy_(v.to(params[n].device, params[n].dtype))

    def save_adapter(self, directory: str) -> list[str]:
        self.peft.save_pretrained(directory)  # adapter_model.safetensors + adapter_config.json
        return sorted(f for f in os.listdir(directory) if f.startswith('adapter_'))

    def load_adapter(self, directory: str) -> None:
        from peft import set_peft_model_state_dict
        from safetensors.torch import load_file

        set_peft_model_state_dict(self.peft, load_file(os.path.join(directory, 'adapter_model.safetensors')))


class HFChatTemplate:
    """The tokenizer's own chat template (message mode). Tool-call arguments stay recorded strings when
    the template handles strings; otherwise they are parsed to dicts (grpo-training-notes §2, pitfall 2)."""

    def __init__(self, tokenizer, end_of_turn: str):
        self.tok = tokenizer
        self.end_of_turn = end_of_turn
        self.name = getattr(tokenizer, 'name_or_path', 'chat_template') or 'chat_template'
        tpl = tokenizer.chat_template if isinstance(tokenizer.chat_template, str) else ''
        self.string_args = 'is string' in tpl or 'is not string' in tpl or 'arguments is mapping' in tpl

    def _prep(self, messages: list[dict]) -> list[dict]:
        if self.string_args:
            return messages
        import json

        out = []
        for m in messages:
            if m.get('tool_calls'):
                m = dict(m)
                m['tool_calls'] = [
                    {**tc, 'function': {**tc['function'], 'arguments': json.loads(tc['function']['arguments'])}}
                    for tc in m['tool_calls']
                ]
            out.append(m)
        return out

    def render(self, messages: list[dict], tools: list | None, add_generation_prompt: bool, kwargs: dict) -> str:
        return self.tok.apply_chat_template(
            self._prep(messages), tools=tools, add_generation_prompt=add_generation_prompt, tokenize=False, **kwargs
        )


class HFOffsetTokenizer:
    def __init__(self, tokenizer):
        if not getattr(tokenizer, 'is_fast', False):
            raise ValueError('message mode needs a fast tokenizer (offset mappings)')
        self.tok = tokenizer

    def encode_with_offsets(self, text: str) -> tuple[list[int], list[tuple[int, int]]]:
        enc = self.tok(text, add_special_tokens=False, return_offsets_mapping=True)
        return list(enc['input_ids']), [tuple(o) for o in enc['offset_mapping']]


def _dtype_kw(transformers, dtype: torch.dtype) -> dict:
    """transformers ≥ 4.56 takes `dtype=`; older releases only `torch_dtype=`."""
    major, minor = (int(x) for x in transformers.__version__.split('.')[:2])
    return {'dtype': dtype} if (major, minor) >= (4, 56) else {'torch_dtype': dtype}


def load_hf_policy(model_dir: str, init_adapter: str | None, cfg: TrainConfig):
    import transformers
    from peft import LoraConfig, PeftModel, get_peft_model

    device = 'cuda' if torch.cuda.is_available() else 'cpu'
    dtype = DTYPES[cfg.dtype] if device == 'cuda' else torch.float32
    tok = transformers.AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
    base = transformers.AutoModelForCausalLM.from_pretrained(
        model_dir, local_files_only=True, attn_implementation=cfg.attn_implementation,
        **_dtype_kw(transformers, dtype),
    )  # fmt: skip
    base.config.use_cache = False
    if cfg.gradient_checkpointing:
        base.gradient_checkpointing_enable(gradient_checkpointing_kwargs={'use_reentrant': False})
    base.to(device)
    if init_adapter:
        model = PeftModel.from_pretrained(base, init_adapter, is_trainable=True)
    else:
        lora = LoraConfig(
            r=cfg.lora_r, lora_alpha=cfg.lora_alpha, lora_dropout=cfg.lora_dropout,
            target_modules=cfg.lora_target_modules, task_type='CAUSAL_LM',
        )  # fmt: skip
        model = get_peft_model(base, lora)
    policy = HFPolicy(model, device)
    return policy, HFChatTemplate(tok, cfg.end_of_turn), HFOffsetTokenizer(tok)
