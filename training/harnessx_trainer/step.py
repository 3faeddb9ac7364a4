"""Optimizer-step planning: whole groups per step, global N and |𝒯_S|, per-row constants c (§4)."""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field

from .config import TrainConfig
from .rows import Row


@dataclass
class StepPlan:
    index: int
    epoch: int
    group_ids: list[str]
    rows: list[int] = field(default_factory=list)  # indices into the flat row list
    c: list[float] = field(default_factory=list)  # per-row constant c_t (same for every token of a row)
    n_tokens: int = 0
    n_traj: int = 0


def row_constants(rows: list[Row], cfg: TrainConfig) -> tuple[list[float], int, int]:
    """c for each row so that Σ_rows Σ_t c·λ_t is the step loss under cfg.aggregation."""
    per_traj: Counter = Counter()
    for r in rows:
        per_traj[r.traj] += r.n_trainable
    n = sum(per_traj.values())
    n_traj = sum(1 for v in per_traj.values() if v > 0)
    if n == 0:
        return [0.0] * len(rows), 0, 0
    if cfg.aggregation == 'token_mean':
        cs = [1.0 / n for _ in rows]
    elif cfg.aggregation == 'traj_mean':
        cs = [1.0 / (n_traj * per_traj[r.traj]) for r in rows]
    else:
        cs = [1.0 / (n_traj * cfg.l_norm) for _ in rows]
    return cs, n, n_traj


def plan_steps(groups: list, rows: list[Row], excluded: set[int], cfg: TrainConfig) -> list[StepPlan]:
    """Groups shuffled per epoch with the config seed (deterministic, so a resumed job replans alike)."""
    by_group: dict[int, list[int]] = {}
    for i, r in enumerate(rows):
        if i not in excluded and r.n_trainable > 0:
            by_group.setdefault(r.group, []).append(i)
    plans: list[StepPlan] = []
    for epoch in range(cfg.epochs):
        order = [g for g in groups if by_group.get(g.index)]
        random.Random(cfg.seed * 1000 + epoch).shuffle(order)
        for s in range(0, len(order), cfg.groups_per_step):
            chunk = order[s : s + cfg.groups_per_step]
            idx = [i for g in chunk for i in by_group[g.index]]
            cs, n, n_traj = row_constants([rows[i] for i in idx], cfg)
            plans.append(StepPlan(len(plans), epoch, [g.group_id for g in chunk], idx, cs, n, n_traj))
    return plans
