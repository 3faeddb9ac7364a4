"""§2 advantages, recomputed from rewards with the builder's recorded config and checked (E17)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .config import TrainConfig
from .errors import AdvantageMismatch


@dataclass
class GroupAdvantages:
    group_id: str
    kept: bool
    drop_reason: str | None
    advantages: list[float] = field(default_factory=list)


def _settings(group: dict, cfg: TrainConfig) -> dict:
    rec = group.get('advantage') or {}
    return {
        'scale': rec.get('scale', cfg.scale),
        'baseline': rec.get('baseline', cfg.baseline),
        'eps': float(rec.get('eps', cfg.eps)),
        'ddof': int(rec.get('ddof', cfg.ddof)),
    }


def drop_reason(rewards: list[float], reward_range: list[float] | None, cfg: TrainConfig) -> str | None:
    """E1/E2: why a group yields no signal, or None when it is kept."""
    if len(rewards) < cfg.min_group_size:
        return 'too_few_scored'
    tol = cfg.zero_spread_tol
    if max(rewards) - min(rewards) > tol:
        return None
    mu = sum(rewards) / len(rewards)
    if reward_range is not None:
        lo, hi = float(reward_range[0]), float(reward_range[1])
        if mu >= hi - tol:
            return 'zero_spread_all_success'
        if mu <= lo + tol:
            return 'zero_spread_all_fail'
    return 'zero_spread_other'


def _std(xs: list[float], mean: float, ddof: int) -> float:
    return math.sqrt(sum((x - mean) ** 2 for x in xs) / (len(xs) - ddof))


def centred(rewards: list[float], baseline: str) -> list[float]:
    n = len(rewards)
    mu = sum(rewards) / n
    if baseline == 'loo':
        return [r - (n * mu - r) / (n - 1) for r in rewards]
    return [r - mu for r in rewards]


def group_advantages(rewards: list[float], settings: dict, sigma_batch: float | None = None) -> list[float]:
    """A_i for one kept group. `sigma_batch` is σ_B, needed only for scale = "batch"."""
    mu = sum(rewards) / len(rewards)
    diffs = centred(rewards, settings['baseline'])
    scale = settings['scale']
    if scale == 'none':
        return diffs
    sigma = sigma_batch if scale == 'batch' else _std(rewards, mu, settings['ddof'])
    return [d / (sigma + settings['eps']) for d in diffs]


def compute_all(groups: list[dict], cfg: TrainConfig) -> list[GroupAdvantages]:
    """Recomputes every group; raises AdvantageMismatch (E17) if a stored value is off by > tol."""
    reasons = [
        drop_reason([t['reward'] for t in g['trajectories']], g['reward_spec'].get('range'), cfg) for g in groups
    ]
    batch_devs = [
        r - sum(rs) / len(rs)
        for g, why in zip(groups, reasons)
        if why is None
        for rs in [[t['reward'] for t in g['trajectories']]]
        for r in rs
    ]
    ddof = cfg.ddof
    sigma_b = _std(batch_devs, 0.0, ddof) if len(batch_devs) > ddof else 0.0
    out = []
    for g, why in zip(groups, reasons):
        if why is not None:
            out.append(GroupAdvantages(g['group_id'], False, why))
            continue
        advs = group_advantages([t['reward'] for t in g['trajectories']], _settings(g, cfg), sigma_b)
        for t, a in zip(g['trajectories'], advs):
            stored = t.get('advantage')
            if stored is not None and abs(float(stored) - a) > cfg.advantage_tol:
                raise AdvantageMismatch(
                    f'group {g["group_id"]} trajectory {t["trajectory_id"]}: stored advantage {stored} '
                    f'!= recomputed {a} (|diff| > {cfg.advantage_tol})'
                )
        out.append(GroupAdvantages(g['group_id'], True, None, advs))
    return out


def apply_retired_scale(groups: list[dict], results: list[GroupAdvantages], cfg: TrainConfig) -> int:
    """κ damping of negative advantages on non-target harness versions (after the E17 check). Returns hits."""
    kappa = cfg.retired_harness_negative_scale
    if kappa >= 1.0 or not cfg.target_harness_versions:
        return 0
    targets = set(cfg.target_harness_versions)
    hits = 0
    for g, res in zip(groups, results):
        if not res.kept:
            continue
        for i, t in enumerate(g['trajectories']):
            version = (t.get('harness') or {}).get('version')
            if version not in targets and res.advantages[i] < 0:
                res.advantages[i] *= kappa
                hits += 1
    return hits
