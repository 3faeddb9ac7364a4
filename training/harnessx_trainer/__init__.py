"""HarnessX cross-harness GRPO trainer (spec: docs/specs/cross-harness-grpo.md).

The core modules (config, dataset, advantages, rows, loss, step, loop, checkpoint, tiny) need only
torch; hf_glue imports transformers/peft lazily so the core runs on Debian's python3-torch in CI.
"""

from .errors import TrainerError

__all__ = ['TrainerError']
