"""Dataset → training groups of rows: policy filter (E4), advantages (§2, E17), rows (§3), E6/E8/E16."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .advantages import apply_retired_scale, compute_all
from .config import TrainConfig
from .dataset import Dataset, manifest_count
from .errors import DatasetError, NothingToTrain
from .rows import ChatTemplate, OffsetTokenizer, Row, check_template_skips, trajectory_rows


@dataclass
class TrainGroup:
    group_id: str
    index: int
    rows: list[Row] = field(default_factory=list)


@dataclass
class Prepared:
    groups: list[TrainGroup]
    report: dict
    stats: Counter


def prepare(
    ds: Dataset,
    cfg: TrainConfig,
    template: ChatTemplate | None = None,
    tok: OffsetTokenizer | None = None,
    vocab_size: int | None = None,
) -> Prepared:
    init_policy = ds.manifest['policy']['policy_id']
    stats: Counter = Counter()
    dropped: Counter = Counter()
    candidates = []
    for g in ds.groups:
        on_policy = g['policy']['policy_id'] == init_policy
        if not on_policy and cfg.off_policy == 'exclude':
            dropped['policy_mismatch'] += 1  # E4
            continue
        candidates.append((g, on_policy))
    results = compute_all([g for g, _ in candidates], cfg)
    kappa_hits = apply_retired_scale([g for g, _ in candidates], results, cfg)
    out: list[TrainGroup] = []
    traj_index = 0
    for (g, on_policy), res in zip(candidates, results):
        if not res.kept:
            dropped[res.drop_reason] += 1
            continue
        tg = TrainGroup(group_id=g['group_id'], index=len(out))
        for t, adv in zip(g['trajectories'], res.advantages):
            traj_index += 1
            if abs(adv) <= cfg.zero_advantage_tol:
                stats['zero_advantage'] += 1  # E6
                continue
            where = f'group {g["group_id"]} trajectory {t["trajectory_id"]}'
            for c in t['calls']:
                temp = (c.get('sampling') or {}).get('temperature')
                if temp is not None and temp < 0.05:
                    stats['greedy_calls'] += 1  # E15: trained at T = 1
            rows = trajectory_rows(t, cfg, stats, template, tok, where)
            kept_rows = []
            for r in rows:
                r.traj, r.group, r.advantage = traj_index - 1, tg.index, adv
                r.behaviour_complete = r.behaviour_complete and (on_policy or cfg.off_policy == 'include_with_is')
                if not on_policy and not r.behaviour_complete:
                    stats['off_policy_rows_without_behaviour'] += 1
                    continue
                if vocab_size is not None and max(r.input_ids) >= vocab_size:
                    raise DatasetError(f'{where}: token id {max(r.input_ids)} >= model vocabulary {vocab_size}')
                kept_rows.append(r)
            if not kept_rows:
                stats['no_trainable_tokens'] += 1  # E8
            tg.rows.extend(kept_rows)
        out.append(tg)
    check_template_skips(stats, cfg, template)
    n_tokens = sum(r.n_trainable for tg in out for r in tg.rows)
    report = {
        'groups_in': len(ds.groups),
        'groups_kept': len(out),
        'groups_dropped': dict(dropped),
        'trajectories_in': sum(len(g['trajectories']) for g in ds.groups),
        'trajectories_with_rows': len({r.traj for tg in out for r in tg.rows}),
        'rows': sum(len(tg.rows) for tg in out),
        'trainable_tokens': n_tokens,
        'behaviour_complete_rows': sum(r.behaviour_complete for tg in out for r in tg.rows),
        'retired_harness_negative_scaled': kappa_hits,
        'row_stats': dict(stats),
        'manifest_groups_kept': manifest_count(ds.manifest, 'groups_kept'),
        'manifest_trajectories_kept': manifest_count(ds.manifest, 'trajectories_kept'),
        'dataset_sha256': ds.sha256,
    }
    if not out:
        reasons = ', '.join(f'{k}={v}' for k, v in sorted(dropped.items())) or 'the dataset has no groups'
        raise NothingToTrain(f'every group was dropped ({reasons}); refusing to train on nothing')
    if n_tokens == 0:
        raise NothingToTrain('no trainable token in the whole dataset (N = 0); refusing to train on nothing')
    return Prepared(groups=out, report=report, stats=stats)
