"""The policy-model interface the loop trains through; implemented by tiny.py and hf_glue.py."""

from __future__ import annotations

from contextlib import AbstractContextManager
from typing import Protocol

import torch


class PolicyModel(Protocol):
    vocab_size: int

    def hidden_states(self, input_ids: torch.Tensor) -> torch.Tensor:
        """(B, T) ids → (B, T, H) final hidden states (before the output head)."""
        ...

    def output_logits(self, hidden: torch.Tensor) -> torch.Tensor:
        """(n, H) → (n, V) logits; applied in chunks so T×V logits never exist at once."""
        ...

    def logits(self, input_ids: torch.Tensor) -> torch.Tensor: ...

    def trainable_parameters(self) -> list[torch.nn.Parameter]: ...

    def adapter_disabled(self) -> AbstractContextManager:
        """Reference policy for KL: the base model with the adapter switched off."""
        ...

    def set_train(self, training: bool) -> None: ...

    def trainable_state(self) -> dict[str, torch.Tensor]: ...

    def load_trainable_state(self, state: dict[str, torch.Tensor]) -> None: ...

    def save_adapter(self, directory: str) -> list[str]:
        """Writes the adapter (weights + adapter_config.json); returns the file names written."""
        ...

    def load_adapter(self, directory: str) -> None: ...
