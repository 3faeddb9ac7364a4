"""§3 rows: token mode (recorded ids, no retokenisation) and message mode (template + offsets).

A Row's arrays are aligned to targets: loss_mask[t] = 1 iff token t was sampled by the trained policy in
a trainable call and survived every filter; position 0 is never trained (nothing predicts it).
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from .config import TrainConfig
from .errors import DatasetError, PipelineMismatch

NAN = float('nan')


class ChatTemplate(Protocol):
    name: str
    end_of_turn: str

    def render(self, messages: list[dict], tools: list | None, add_generation_prompt: bool, kwargs: dict) -> str: ...


class OffsetTokenizer(Protocol):
    def encode_with_offsets(self, text: str) -> tuple[list[int], list[tuple[int, int]]]: ...


@dataclass
class Row:
    input_ids: list[int] = field(default_factory=list)
    loss_mask: list[int] = field(default_factory=list)
    temp: list[float] = field(default_factory=list)
    beh: list[float] = field(default_factory=list)
    calls: list[str] = field(default_factory=list)
    token_mode: bool = True
    behaviour_complete: bool = False
    traj: int = -1
    group: int = -1
    advantage: float = 0.0

    @property
    def n_trainable(self) -> int:
        return sum(self.loss_mask)

    def append(self, ids: list[int], mask: int, temp: float, beh: list[float] | None) -> None:
        self.input_ids.extend(ids)
        self.loss_mask.extend([mask] * len(ids))
        self.temp.extend([temp] * len(ids))
        self.beh.extend(beh if beh is not None else [NAN] * len(ids))


def call_temperature(call: dict) -> float:
    t = (call.get('sampling') or {}).get('temperature')
    return 1.0 if t is None or t < 0.05 else float(t)


def behaviour_usable(call: dict) -> bool:
    """E10: recorded log-probs are usable for correction only for untruncated, processed (or T=1) sampling."""
    tk = call.get('tokens') or {}
    if tk.get('completion_logprobs') is None:
        return False
    s = call.get('sampling') or {}
    if s.get('top_p') not in (None, 1, 1.0) or s.get('top_k') not in (None, 0, -1):
        return False
    t = s.get('temperature')
    return tk.get('logprobs_mode') == 'processed' or t in (None, 1, 1.0)


def _trained(call: dict, cfg: TrainConfig, stats: Counter) -> bool:
    if not call['trainable']:
        return False
    if call.get('finish_reason') == 'length':
        stats['truncated_calls'] += 1
        if cfg.mask_truncated_calls:
            return False
    return True


def _close(rows: list[Row], cur: Row | None) -> None:
    if cur is None:
        return
    if cur.loss_mask:
        cur.loss_mask[0] = 0
    if cur.n_trainable > 0:
        m = cur.loss_mask
        cur.behaviour_complete = cur.token_mode and all(math.isfinite(b) for b, k in zip(cur.beh, m) if k)
        rows.append(cur)


def token_rows(calls: list[dict], cfg: TrainConfig, stats: Counter, where: str) -> list[Row]:
    rows: list[Row] = []
    full: dict[str, list[int]] = {}
    comp_of: dict[str, list[int]] = {}
    cur: Row | None = None
    for c in calls:
        tk = c.get('tokens')
        if tk is None:
            continue  # an untrainable call without ids: its text reaches later prompts as context
        ext = tk.get('extends')
        if ext is not None and ext not in full:
            raise DatasetError(f'{where} call {c["call_id"]}: tokens.extends {ext!r} has no recorded tokens')
        prompt = (full[ext] + comp_of[ext] if ext is not None else []) + list(tk['prompt_ids'])
        comp = list(tk['completion_ids'])
        full[c['call_id']], comp_of[c['call_id']] = prompt, comp
        stats['calls'] += 1
        trained = _trained(c, cfg, stats)
        if len(prompt) + len(comp) > cfg.max_seq_len:
            stats['call_too_long'] += 1
            _close(rows, cur)
            cur = None
            continue
        if cur is not None and prompt[: len(cur.input_ids)] == cur.input_ids:
            cur.append(prompt[len(cur.input_ids) :], 0, 1.0, None)
        else:
            _close(rows, cur)
            cur = Row(token_mode=True)
            cur.append(prompt, 0, 1.0, None)
        lps = tk.get('completion_logprobs')
        beh = [NAN if x is None else float(x) for x in lps] if behaviour_usable(c) and lps is not None else None
        cur.append(comp, 1 if trained else 0, call_temperature(c), beh)
        cur.calls.append(c['call_id'])
    _close(rows, cur)
    return rows


def expand_messages(calls: list[dict]) -> dict[str, list[dict]]:
    full: dict[str, list[dict]] = {}
    by_id = {c['call_id']: c for c in calls}
    for c in calls:
        ctx = c['context']
        ext = ctx.get('extends')
        base = full[ext] + [by_id[ext]['response']] if ext is not None else []
        full[c['call_id']] = base + list(ctx['messages'])
    return full


@dataclass
class _TextRow:
    text: str
    spans: list[tuple[int, int, str, float]]
    ids: list[int]
    offsets: list[tuple[int, int]]
    calls: list[str]


def _tokenize_row(tr: _TextRow, stats: Counter) -> Row:
    spans = list(tr.spans)
    while True:
        bad = None
        for a, b, cid, _t in spans:
            for s, e in tr.offsets:
                if s < e and s < b and e > a and not (a <= s and e <= b):
                    bad = cid
                    break
            if bad:
                break
        if bad is None:
            break
        stats['token_straddles_span'] += 1  # E12: skip that call
        spans = [sp for sp in spans if sp[2] != bad]
    row = Row(token_mode=False, calls=list(tr.calls))
    for s, e in tr.offsets:
        hit = next((sp for sp in spans if s < e and sp[0] <= s and e <= sp[1]), None)
        row.loss_mask.append(1 if hit else 0)
        row.temp.append(hit[3] if hit else 1.0)
        row.beh.append(NAN)  # recorded log-probs never align with retokenised text
    row.input_ids = list(tr.ids)
    return row


def message_rows(
    calls: list[dict], tools: list | None, template: ChatTemplate, tok: OffsetTokenizer, cfg: TrainConfig, stats: Counter
) -> list[Row]:
    full = expand_messages(calls)
    rows: list[Row] = []
    cur: _TextRow | None = None

    def close() -> None:
        if cur is not None:
            _close(rows, _tokenize_row(cur, stats))

    eot = template.end_of_turn
    for c in calls:
        stats['calls'] += 1
        ctx = c['context']
        msgs, call_tools, kw = full[c['call_id']], ctx.get('tools') or tools, ctx.get('chat_template_kwargs') or {}
        trained = _trained(c, cfg, stats)
        p = template.render(msgs, call_tools, True, kw)
        f = template.render(msgs + [c['response']], call_tools, False, kw)
        if not f.startswith(p):
            stats['template_not_prefix_preserving'] += 1  # E11: skip, next call starts a new row
            close()
            cur = None
            continue
        suffix = f[len(p) :]
        idx = suffix.rfind(eot) if eot else -1
        if idx < 0:
            end = len(suffix.rstrip())
        elif c.get('finish_reason') == 'length':
            end = idx  # the model never emitted the end-of-turn the template adds
        else:
            end = idx + len(eot)
        ids, offsets = tok.encode_with_offsets(f)
        if len(ids) > cfg.max_seq_len:
            stats['call_too_long'] += 1
            close()
            cur = None
            continue
        if cur is not None and p.startswith(cur.text):
            cur.text, cur.ids, cur.offsets = f, ids, offsets
        else:
            close()
            cur = _TextRow(text=f, spans=[], ids=ids, offsets=offsets, calls=[])
        cur.calls.append(c['call_id'])
        if trained and end > 0:
            cur.spans.append((len(p), len(p) + end, c['call_id'], call_temperature(c)))
    close()
    return rows


def trajectory_rows(
    traj: dict, cfg: TrainConfig, stats: Counter, template: ChatTemplate | None, tok: OffsetTokenizer | None, where: str
) -> list[Row]:
    calls = traj['calls']
    trainable = [c for c in calls if c['trainable']]
    with_tokens = [c for c in trainable if c.get('tokens') is not None]
    if trainable and len(with_tokens) == len(trainable):
        stats['trajectories_token_mode'] += 1
        return token_rows(calls, cfg, stats, where)
    if with_tokens:
        stats['mixed_tokens_message_mode'] += 1  # E9
    if template is None or tok is None:
        raise DatasetError(f'{where}: message mode needs a chat template and tokenizer, the backend has none')
    stats['trajectories_message_mode'] += 1
    return message_rows(calls, traj.get('tools'), template, tok, cfg, stats)


def check_template_skips(stats: Counter, cfg: TrainConfig, template: Any) -> None:
    """E11: above the threshold the template, not the data, is the problem."""
    hits, calls = stats['template_not_prefix_preserving'], stats['calls']
    if calls and hits / calls > cfg.max_template_skip_frac:
        name = getattr(template, 'name', type(template).__name__)
        raise PipelineMismatch(
            f'chat template {name!r} is not prefix-preserving for {hits}/{calls} calls '
            f'(> {cfg.max_template_skip_frac:.0%})',
            rule='E11',
        )
