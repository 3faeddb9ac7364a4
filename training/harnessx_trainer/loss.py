"""§4 loss: chunked masked log-probs, clipped surrogate, behaviour correction, KL, c_t aggregation.

Every function here works on vectors aligned to the same positions with a boolean `valid` mask, so the
tests can feed full-length rows (with garbage at masked positions) and the loop feeds compact vectors.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from .config import TrainConfig


def gather_logprobs(logits: torch.Tensor, targets: torch.Tensor, temps: torch.Tensor) -> torch.Tensor:
    """ℓ = log softmax(z / T)[x] in float32 for (n, V) logits predicting (n,) targets."""
    z = logits.float() / temps.float()[:, None]
    return torch.log_softmax(z, dim=-1).gather(-1, targets[:, None]).squeeze(-1)


def masked_logprobs(
    model, input_ids: torch.Tensor, mask: torch.Tensor, temp: torch.Tensor, chunk: int = 2048
) -> torch.Tensor:
    """Log-probs only at positions t ≥ 1 with mask[t]; position t is predicted by the hidden state at t−1.

    Returns a compact (n,) vector in position order; only n×V logits exist, `chunk` rows at a time.
    """
    hidden = model.hidden_states(input_ids[None])[0]
    sel = mask[1:].bool()
    h, tgt, tt = hidden[:-1][sel], input_ids[1:][sel], temp[1:][sel]
    out = [
        gather_logprobs(model.output_logits(h[s : s + chunk]), tgt[s : s + chunk], tt[s : s + chunk])
        for s in range(0, h.shape[0], chunk)
    ]
    return torch.cat(out) if out else hidden.new_zeros(0, dtype=torch.float32)


def geometric_ratio(old: torch.Tensor, beh: torch.Tensor) -> float:
    """G_ρ = exp(mean(ℓ_old − b)) over the row's trainable tokens."""
    return float(torch.exp((old.double() - beh.double()).mean()))


@dataclass
class RowLoss:
    loss: torch.Tensor
    clipped_low: int
    clipped_high: int
    ratio_sum: float
    n: int
    kl_sum: float
    abs_old_beh_sum: float


def row_loss(
    logp: torch.Tensor,
    old: torch.Tensor | None,
    beh: torch.Tensor,
    adv: float | torch.Tensor,
    valid: torch.Tensor,
    c: float | torch.Tensor,
    cfg: TrainConfig,
    correct: bool = False,
    ref: torch.Tensor | None = None,
) -> RowLoss:
    """Σ_t c_t λ_t over valid positions (one row's share of the step loss; backward it per row).

    E18: inputs are sanitised before use (unknown/masked old := sg(ℓ_θ), b := old) and the output is
    selected with torch.where, so NaN/inf at masked positions reach neither L nor the gradients.
    """
    valid = valid.bool()
    zero = torch.zeros_like(logp)
    lp = torch.where(valid, logp, zero)
    lp_d = lp.detach()
    if old is None or cfg.old_logp == 'current':
        old_s = lp_d
    else:
        old_s = torch.where(valid & torch.isfinite(old), old.detach(), lp_d)
    beh_s = torch.where(valid & torch.isfinite(beh), beh.detach(), old_s)
    if cfg.old_logp == 'behavior':
        old_s = beh_s  # bypass: the ratio already is π_θ/μ, so no w_t
        correct = False
    a = torch.as_tensor(adv, dtype=lp.dtype).expand_as(lp)
    ratio = torch.exp(lp - old_s)
    s = torch.minimum(ratio * a, torch.clamp(ratio, 1 - cfg.eps_lo, 1 + cfg.eps_hi) * a)
    if cfg.dual_clip is not None:
        s = torch.where(a < 0, torch.maximum(s, cfg.dual_clip * a), s)
    w = torch.clamp(torch.exp(old_s - beh_s), max=cfg.tis_cap).detach() if correct else torch.ones_like(lp)
    lam = -w * s
    kl_sum = 0.0
    if cfg.beta > 0 and ref is not None:
        ref_s = torch.where(valid & torch.isfinite(ref), ref.detach(), lp_d)
        d = ref_s - lp
        k = torch.exp(d) - d - 1
        lam = lam + cfg.beta * k
        kl_sum = float(torch.where(valid, k.detach(), zero).sum())
    c_t = torch.as_tensor(c, dtype=lp.dtype).expand_as(lp)
    loss = torch.where(valid, c_t * lam, zero).sum()
    r_d = ratio.detach()
    low = valid & (a < 0) & (r_d < 1 - cfg.eps_lo)
    high = valid & (a > 0) & (r_d > 1 + cfg.eps_hi)
    return RowLoss(
        loss=loss,
        clipped_low=int(low.sum()),
        clipped_high=int(high.sum()),
        ratio_sum=float(torch.where(valid, r_d, zero).sum()),
        n=int(valid.sum()),
        kl_sum=kl_sum,
        abs_old_beh_sum=float(torch.where(valid, (old_s - beh_s).abs(), zero).sum()) if correct else 0.0,
    )
