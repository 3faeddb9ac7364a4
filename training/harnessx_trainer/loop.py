"""The training loop: pre-pass (ℓ_θ0, ℓ_ref, G_ρ), planned steps, per-row backward, AdamW, checkpoints."""

from __future__ import annotations

import json
import math
import os
import random
import statistics
from dataclasses import dataclass
from typing import Callable

import torch

from .checkpoint import PREPASS, atomic_torch_save, load_latest, save_checkpoint
from .config import TrainConfig
from .errors import PipelineMismatch
from .loss import geometric_ratio, masked_logprobs, row_loss
from .prepare import Prepared
from .rows import Row
from .step import plan_steps

METRICS = 'metrics.jsonl'


@dataclass
class RowTensors:
    ids: torch.Tensor
    mask: torch.Tensor
    temp: torch.Tensor
    beh: torch.Tensor  # compact: the trainable positions only, in order


def to_tensors(row: Row, device: torch.device | str = 'cpu') -> RowTensors:
    ids = torch.tensor(row.input_ids, dtype=torch.long, device=device)
    mask = torch.tensor(row.loss_mask, dtype=torch.bool, device=device)
    mask[0] = False
    temp = torch.tensor(row.temp, dtype=torch.float32, device=device)
    beh = torch.tensor(row.beh, dtype=torch.float32, device=device)[mask]
    return RowTensors(ids, mask, temp, beh)


def corrects(row: Row, cfg: TrainConfig) -> bool:
    return cfg.behavior_correction == 'auto' and row.behaviour_complete and cfg.old_logp != 'behavior'


def prepass(model, rows: list[Row], ts: list[RowTensors], cfg: TrainConfig) -> dict:
    """ℓ_θ0 at the job's initial adapter (proximal old), ℓ_ref with the adapter off (β > 0), and G_ρ."""
    model.set_train(False)
    old, ref, geo = [], [], []
    with torch.no_grad():
        for r, t in zip(rows, ts):
            lp = masked_logprobs(model, t.ids, t.mask, t.temp, cfg.logprob_chunk).cpu()
            old.append(lp)
            if cfg.beta > 0:
                with model.adapter_disabled():
                    ref.append(masked_logprobs(model, t.ids, t.mask, t.temp, cfg.logprob_chunk).cpu())
            geo.append(geometric_ratio(lp, t.beh.cpu()) if corrects(r, cfg) else None)
    model.set_train(True)
    return {'old': old, 'ref': ref or None, 'geo': geo}


def geo_mask(pre: dict, cfg: TrainConfig) -> tuple[set[int], dict]:
    """E19: rows with G_ρ outside [g_lo, g_hi] leave Ω; too many of them means a pipeline mismatch."""
    gs = [(i, g) for i, g in enumerate(pre['geo']) if g is not None]
    masked = {i for i, g in gs if not (cfg.geo_lo <= g <= cfg.geo_hi)}
    frac = len(masked) / len(gs) if gs else 0.0
    vals = sorted(g for _, g in gs)
    q = {f'p{p}': vals[min(len(vals) - 1, int(p / 100 * len(vals)))] for p in (5, 50, 95)} if vals else {}
    diag = {'behaviour_complete_rows': len(gs), 'geo_masked_rows': len(masked), 'geo_masked_frac': frac,
            'geo_quantiles': q}  # fmt: skip
    if frac > cfg.max_geo_masked_frac:
        raise PipelineMismatch(
            f'{len(masked)}/{len(gs)} behaviour-complete rows have G outside [{cfg.geo_lo}, {cfg.geo_hi}] '
            f'(> {cfg.max_geo_masked_frac:.0%}): check template, tokenizer, temperature and logprobs mode',
            rule='E19',
        )
    return masked, diag


def _lr(cfg: TrainConfig, step: int) -> float:
    if cfg.warmup_steps and step < cfg.warmup_steps:
        return cfg.lr * (step + 1) / (cfg.warmup_steps + 1)
    return cfg.lr


def _load_or_run_prepass(model, rows, ts, cfg, ckpt_dir: str | None) -> dict:
    path = os.path.join(ckpt_dir, PREPASS) if ckpt_dir else None
    if path and os.path.isfile(path):
        return torch.load(path)  # resumed: ℓ_θ0 belongs to the initial adapter, not the restored one
    pre = prepass(model, rows, ts, cfg)
    if path:
        atomic_torch_save(pre, path)
    return pre


def train(
    model,
    prepared: Prepared,
    cfg: TrainConfig,
    checkpoint_dir: str | None = None,
    log: Callable[[str], None] = print,
    stop_after_steps: int | None = None,
    device: torch.device | str = 'cpu',
) -> dict:
    random.seed(cfg.seed)
    torch.manual_seed(cfg.seed)
    rows = [r for g in prepared.groups for r in g.rows]
    ts = [to_tensors(r, device) for r in rows]
    pre = _load_or_run_prepass(model, rows, ts, cfg, checkpoint_dir)
    excluded, diag = geo_mask(pre, cfg)
    plans = plan_steps(prepared.groups, rows, excluded, cfg)
    params = model.trainable_parameters()
    opt = torch.optim.AdamW(params, lr=cfg.lr, betas=tuple(cfg.betas), weight_decay=cfg.weight_decay)
    start = 0
    state = load_latest(checkpoint_dir, model, opt) if checkpoint_dir else None
    if state is not None:
        start = state['step'] + 1
        log(f'resumed from checkpoint step={state["step"]}')
    metrics_path = os.path.join(checkpoint_dir, METRICS) if checkpoint_dir else None
    if metrics_path:
        _truncate_metrics(metrics_path, start)
    last: dict = {}
    model.set_train(True)
    for plan in plans[start:]:
        if stop_after_steps is not None and plan.index >= stop_after_steps:
            break
        lr = _lr(cfg, plan.index)
        for grp in opt.param_groups:
            grp['lr'] = lr
        tot = {'loss': 0.0, 'low': 0, 'high': 0, 'ratio': 0.0, 'kl': 0.0, 'ob': 0.0, 'n_corr': 0}
        for i, c in zip(plan.rows, plan.c):
            r, t = rows[i], ts[i]
            lp = masked_logprobs(model, t.ids, t.mask, t.temp, cfg.logprob_chunk)
            old = pre['old'][i].to(lp.device)
            ref = pre['ref'][i].to(lp.device) if pre['ref'] is not None else None
            valid = torch.ones_like(lp, dtype=torch.bool)
            corr = corrects(r, cfg)
            out = row_loss(lp, old, t.beh, r.advantage, valid, c, cfg, correct=corr, ref=ref)
            out.loss.backward()
            tot['loss'] += float(out.loss.detach())
            tot['low'] += out.clipped_low
            tot['high'] += out.clipped_high
            tot['ratio'] += out.ratio_sum
            tot['kl'] += out.kl_sum
            if corr:
                tot['ob'] += out.abs_old_beh_sum
                tot['n_corr'] += out.n
        grad_norm = float(torch.nn.utils.clip_grad_norm_(params, cfg.grad_clip))
        if not (math.isfinite(grad_norm) and math.isfinite(tot['loss'])):
            raise PipelineMismatch(f'step {plan.index}: non-finite loss or gradient norm', rule='E18')
        opt.step()
        opt.zero_grad(set_to_none=True)
        last = _step_metrics(plan, rows, tot, grad_norm, lr, cfg)
        log(
            f'step={plan.index} loss={last["loss"]:.6f} clip_frac={last["clip_frac"]:.4f} '
            f'grad_norm={grad_norm:.4f} lr={lr:.3g} n_tokens={plan.n_tokens}'
        )
        if metrics_path:
            with open(metrics_path, 'a', encoding='utf-8') as f:
                f.write(json.dumps(last) + '\n')
        if checkpoint_dir and ((plan.index + 1) % cfg.checkpoint_every == 0 or plan.index == len(plans) - 1):
            save_checkpoint(checkpoint_dir, plan.index, model, opt, {'steps_total': len(plans)})
    done = len(plans) if stop_after_steps is None else min(len(plans), stop_after_steps)
    return {'steps_total': len(plans), 'steps_done': done, 'resumed_from_step': start if state else None,
            'last_metrics': last, 'behaviour': diag}  # fmt: skip


def _step_metrics(plan, rows: list[Row], tot: dict, grad_norm: float, lr: float, cfg: TrainConfig) -> dict:
    n = max(plan.n_tokens, 1)
    advs = list({rows[i].traj: rows[i].advantage for i in plan.rows}.values())
    m = {
        'step': plan.index, 'epoch': plan.epoch, 'loss': tot['loss'],
        'clip_frac': (tot['low'] + tot['high']) / n, 'clip_frac_low': tot['low'] / n,
        'clip_frac_high': tot['high'] / n, 'mean_ratio': tot['ratio'] / n, 'grad_norm': grad_norm,
        'lr': lr, 'n_tokens': plan.n_tokens, 'n_trajectories': plan.n_traj, 'groups': len(plan.group_ids),
        'adv_mean': statistics.fmean(advs) if advs else 0.0,
        'adv_std': statistics.pstdev(advs) if len(advs) > 1 else 0.0,
        'adv_abs_max': max((abs(a) for a in advs), default=0.0),
    }  # fmt: skip
    if cfg.beta > 0:
        m['kl'] = tot['kl'] / n
    if tot['n_corr']:
        m['mean_abs_old_minus_beh'] = tot['ob'] / tot['n_corr']
    return m


def _truncate_metrics(path: str, start: int) -> None:
    """A resumed job rewrites the steps after its checkpoint: drop their stale lines."""
    if not os.path.isfile(path):
        return
    with open(path, encoding='utf-8') as f:
        keep = [ln for ln in f if ln.strip() and json.loads(ln)['step'] < start]
    with open(path, 'w', encoding='utf-8') as f:
        f.writelines(keep)
