"""The §6 training configuration: defaults, types, allowed values. Unknown keys fail (spec §8)."""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from .errors import ConfigError

CHOICES: dict[str, tuple[Any, ...]] = {
    'scale': ('group', 'none', 'batch'),
    'baseline': ('mean', 'loo'),
    'old_logp': ('proximal', 'behavior', 'current'),
    'behavior_correction': ('auto', 'off'),
    'off_policy': ('exclude', 'include_with_is'),
    'aggregation': ('token_mean', 'traj_mean', 'token_sum_norm'),
    'dtype': ('bfloat16', 'float16', 'float32'),
    'attn_implementation': ('sdpa', 'eager', 'flash_attention_2'),
}


@dataclass
class TrainConfig:
    # §2 advantages (the dataset line's recorded `advantage` block wins for scale/baseline/eps/ddof)
    min_group_size: int = 2
    zero_spread_tol: float = 1e-6
    scale: str = 'group'
    baseline: str = 'mean'
    eps: float = 1e-4
    ddof: int = 0
    advantage_tol: float = 1e-6
    zero_advantage_tol: float = 1e-8
    retired_harness_negative_scale: float = 1.0
    target_harness_versions: list = field(default_factory=list)
    # §4 loss
    old_logp: str = 'proximal'
    eps_lo: float = 0.2
    eps_hi: float = 0.28
    dual_clip: float | None = None
    behavior_correction: str = 'auto'
    tis_cap: float = 2.0
    geo_lo: float = 0.99
    geo_hi: float = 1.01
    max_geo_masked_frac: float = 0.2
    off_policy: str = 'exclude'
    beta: float = 0.0
    aggregation: str = 'token_mean'
    l_norm: float = 8192.0
    # §3 rows
    max_seq_len: int = 16384
    mask_truncated_calls: bool = False
    max_template_skip_frac: float = 0.05
    logprob_chunk: int = 2048
    # LoRA (hf backend; tiny uses r/alpha too)
    lora_r: int = 16
    lora_alpha: int = 32
    lora_dropout: float = 0.0
    lora_target_modules: str = 'all-linear'
    # optimiser and schedule
    lr: float = 1e-5
    betas: list = field(default_factory=lambda: [0.9, 0.99])
    weight_decay: float = 0.0
    grad_clip: float = 1.0
    warmup_steps: int = 0
    groups_per_step: int = 4
    epochs: int = 1
    seed: int = 0
    # runtime
    checkpoint_every: int = 1
    dtype: str = 'bfloat16'
    attn_implementation: str = 'sdpa'
    gradient_checkpointing: bool = True
    end_of_turn: str = '<|im_end|>'

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)


_FIELDS = {f.name: f for f in dataclasses.fields(TrainConfig)}


def _type_ok(name: str, value: Any) -> bool:
    default = getattr(TrainConfig(), name)
    if name == 'dual_clip':
        return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
    if isinstance(default, bool):
        return isinstance(value, bool)
    if isinstance(default, int):
        return isinstance(value, int) and not isinstance(value, bool)
    if isinstance(default, float):
        return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if isinstance(default, str):
        return isinstance(value, str)
    if isinstance(default, list):
        return isinstance(value, list)
    return True


def _check(cfg: TrainConfig) -> None:
    def need(ok: bool, what: str) -> None:
        if not ok:
            raise ConfigError(f'config: {what}')

    for name, allowed in CHOICES.items():
        need(getattr(cfg, name) in allowed, f'{name} must be one of {list(allowed)}, got {getattr(cfg, name)!r}')
    need(cfg.min_group_size >= 2, 'min_group_size must be >= 2 (E2: never use A = r)')
    need(cfg.eps >= 0 and cfg.zero_spread_tol >= 0, 'eps and zero_spread_tol must be >= 0')
    need(cfg.ddof in (0, 1), 'ddof must be 0 or 1')
    need(0.0 <= cfg.retired_harness_negative_scale <= 1.0, 'retired_harness_negative_scale must be in [0, 1]')
    need(all(isinstance(v, str) for v in cfg.target_harness_versions), 'target_harness_versions: strings')
    need(0 <= cfg.eps_lo < 1 and cfg.eps_hi >= 0, 'eps_lo must be in [0, 1) and eps_hi >= 0')
    need(cfg.dual_clip is None or cfg.dual_clip > 1, 'dual_clip must be null or > 1')
    need(cfg.tis_cap > 0 and 0 < cfg.geo_lo <= 1 <= cfg.geo_hi, 'tis_cap > 0 and geo_lo <= 1 <= geo_hi')
    need(0 <= cfg.max_geo_masked_frac <= 1, 'max_geo_masked_frac must be in [0, 1]')
    need(cfg.beta >= 0 and cfg.l_norm > 0, 'beta >= 0 and l_norm > 0')
    need(cfg.max_seq_len >= 2 and cfg.logprob_chunk >= 1, 'max_seq_len >= 2 and logprob_chunk >= 1')
    need(cfg.lora_r >= 1 and cfg.lora_alpha > 0, 'lora_r >= 1 and lora_alpha > 0')
    need(cfg.lr > 0 and cfg.grad_clip > 0 and cfg.weight_decay >= 0, 'lr > 0, grad_clip > 0, weight_decay >= 0')
    need(
        len(cfg.betas) == 2 and all(isinstance(b, (int, float)) and 0 <= b < 1 for b in cfg.betas),
        'betas must be two numbers in [0, 1)',
    )
    need(cfg.warmup_steps >= 0 and cfg.groups_per_step >= 1, 'warmup_steps >= 0 and groups_per_step >= 1')
    need(cfg.epochs >= 1 and cfg.checkpoint_every >= 1, 'epochs >= 1 and checkpoint_every >= 1')
    need(not (cfg.old_logp == 'current' and cfg.epochs != 1), 'old_logp "current" requires epochs = 1')


def parse_config(raw: Any) -> TrainConfig:
    """Builds the config from a mapping of §6 knobs; every problem is a one-line ConfigError."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f'config must be a JSON object, got {type(raw).__name__}')
    unknown = sorted(k for k in raw if k not in _FIELDS)
    if unknown:
        raise ConfigError(f'unknown config key(s): {", ".join(unknown)}')
    for name, value in raw.items():
        if not _type_ok(name, value):
            raise ConfigError(f'config: {name} has the wrong type ({type(value).__name__}: {value!r})')
    values = dict(raw)
    if 'betas' in values:
        values['betas'] = [float(b) for b in values['betas']]
    cfg = TrainConfig(**values)
    for name in ('zero_spread_tol', 'eps', 'eps_lo', 'eps_hi', 'tis_cap', 'beta', 'lr', 'l_norm'):
        setattr(cfg, name, float(getattr(cfg, name)))
    _check(cfg)
    return cfg
