"""Reads and validates the §5 dataset (`dataset.jsonl` or `groups.jsonl`) and its `manifest.json`.

Every problem is a DatasetError naming the file, the line and the JSON path: nothing is dropped silently.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
from dataclasses import dataclass
from typing import Any

from .errors import DatasetError

GROUP_SCHEMA = 'harnessx.xgrpo.group/1'
MANIFEST_SCHEMA_PREFIX = 'harnessx.xgrpo.manifest/'
DATASET_NAMES = ('dataset.jsonl', 'groups.jsonl')
ROLES = {'system', 'user', 'assistant', 'tool'}
STATUSES = {'completed', 'agent_error', 'timeout', 'budget_exhausted'}
FINISH = {'stop', 'tool_calls', 'length', 'content_filter', None}


@dataclass
class Dataset:
    groups: list[dict]
    manifest: dict
    path: str
    sha256: str


class _V:
    """Small path-tracking validator so every error says where it is."""

    def __init__(self, where: str):
        self.where = where

    def fail(self, path: str, msg: str) -> None:
        raise DatasetError(f'{self.where} {path}: {msg}')

    def obj(self, v: Any, path: str) -> dict:
        if not isinstance(v, dict):
            self.fail(path, f'expected an object, got {type(v).__name__}')
        return v

    def key(self, o: dict, k: str, path: str) -> Any:
        if k not in o:
            self.fail(f'{path}.{k}', 'is required')
        return o[k]

    def string(self, v: Any, path: str, nullable: bool = False) -> str | None:
        if v is None and nullable:
            return None
        if not isinstance(v, str) or not v:
            self.fail(path, 'expected a non-empty string')
        return v

    def number(self, v: Any, path: str) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
            self.fail(path, f'expected a finite number, got {v!r}')
        return float(v)

    def int_list(self, v: Any, path: str) -> list[int]:
        if not isinstance(v, list) or not all(isinstance(x, int) and not isinstance(x, bool) and x >= 0 for x in v):
            self.fail(path, 'expected a list of non-negative token ids')
        return v


def _check_message(v: _V, m: Any, path: str) -> None:
    v.obj(m, path)
    if v.key(m, 'role', path) not in ROLES:
        v.fail(f'{path}.role', f'must be one of {sorted(ROLES)}')
    for i, tc in enumerate(m.get('tool_calls') or []):
        fn = v.obj(v.key(v.obj(tc, f'{path}.tool_calls[{i}]'), 'function', f'{path}.tool_calls[{i}]'), path)
        if not isinstance(fn.get('arguments'), str):
            v.fail(f'{path}.tool_calls[{i}].function.arguments', 'must be a JSON string')


def _check_tokens(v: _V, t: Any, path: str, earlier: set[str]) -> None:
    v.obj(t, path)
    ext = t.get('extends')
    if ext is not None and ext not in earlier:
        v.fail(f'{path}.extends', f'{ext!r} is not an earlier call of this trajectory')
    v.int_list(v.key(t, 'prompt_ids', path), f'{path}.prompt_ids')
    comp = v.int_list(v.key(t, 'completion_ids', path), f'{path}.completion_ids')
    lps = t.get('completion_logprobs')
    if lps is not None:
        if not isinstance(lps, list) or len(lps) != len(comp):
            v.fail(f'{path}.completion_logprobs', 'must be null or a list as long as completion_ids')
        for i, x in enumerate(lps):
            if x is not None and (isinstance(x, bool) or not isinstance(x, (int, float))):
                v.fail(f'{path}.completion_logprobs[{i}]', 'must be a number')
    if t.get('logprobs_mode') not in ('processed', 'raw', None):
        v.fail(f'{path}.logprobs_mode', 'must be processed, raw or null')


def _check_call(v: _V, c: Any, path: str, earlier: set[str]) -> None:
    v.obj(c, path)
    cid = v.string(v.key(c, 'call_id', path), f'{path}.call_id')
    if cid in earlier:
        v.fail(f'{path}.call_id', f'duplicate call_id {cid!r}')
    if not isinstance(v.key(c, 'trainable', path), bool):
        v.fail(f'{path}.trainable', 'must be a boolean')
    ctx = v.obj(v.key(c, 'context', path), f'{path}.context')
    ext = ctx.get('extends')
    if ext is not None and ext not in earlier:
        v.fail(f'{path}.context.extends', f'{ext!r} is not an earlier call of this trajectory')
    msgs = v.key(ctx, 'messages', f'{path}.context')
    if not isinstance(msgs, list):
        v.fail(f'{path}.context.messages', 'must be a list')
    for i, m in enumerate(msgs):
        _check_message(v, m, f'{path}.context.messages[{i}]')
    resp = v.key(c, 'response', path)
    _check_message(v, resp, f'{path}.response')
    if resp['role'] != 'assistant':
        v.fail(f'{path}.response.role', 'must be "assistant"')
    if c.get('finish_reason') not in FINISH:
        v.fail(f'{path}.finish_reason', f'must be one of {sorted(x for x in FINISH if x)}')
    if c.get('tokens') is not None:
        _check_tokens(v, c['tokens'], f'{path}.tokens', earlier)


def validate_group(g: Any, where: str) -> dict:
    v = _V(where)
    v.obj(g, '$')
    if g.get('schema') != GROUP_SCHEMA:
        v.fail('$.schema', f'must be {GROUP_SCHEMA!r}, got {g.get("schema")!r}')
    v.string(v.key(g, 'group_id', '$'), '$.group_id')
    v.string(v.key(g, 'task_id', '$'), '$.task_id')
    pol = v.obj(v.key(g, 'policy', '$'), '$.policy')
    v.string(v.key(pol, 'policy_id', '$.policy'), '$.policy.policy_id')
    rs = v.obj(v.key(g, 'reward_spec', '$'), '$.reward_spec')
    rng = rs.get('range')
    if rng is not None and (not isinstance(rng, list) or len(rng) != 2):
        v.fail('$.reward_spec.range', 'must be [min, max]')
    v.obj(g.get('advantage') or {}, '$.advantage')
    trajs = v.key(g, 'trajectories', '$')
    if not isinstance(trajs, list):
        v.fail('$.trajectories', 'must be a list')
    seen: set[str] = set()
    for i, t in enumerate(trajs):
        p = f'$.trajectories[{i}]'
        v.obj(t, p)
        tid = v.string(v.key(t, 'trajectory_id', p), f'{p}.trajectory_id')
        if tid in seen:
            v.fail(f'{p}.trajectory_id', f'duplicate trajectory_id {tid!r}')
        seen.add(tid)
        v.number(v.key(t, 'reward', p), f'{p}.reward')
        if t.get('advantage') is not None:
            v.number(t['advantage'], f'{p}.advantage')
        if t.get('status', 'completed') not in STATUSES:
            v.fail(f'{p}.status', f'must be one of {sorted(STATUSES)} (infra errors never reach the file)')
        calls = v.key(t, 'calls', p)
        if not isinstance(calls, list):
            v.fail(f'{p}.calls', 'must be a list')
        earlier: set[str] = set()
        for j, c in enumerate(calls):
            _check_call(v, c, f'{p}.calls[{j}]', earlier)
            earlier.add(c['call_id'])
    return g


def _count(manifest: dict, *names: str) -> Any:
    """A manifest count by flat name (`groups_kept`) or in the builder's nested layout
    (`counts.groups.kept`, as harness-core/src/coevolution writes it)."""
    counts = manifest.get('counts') if isinstance(manifest.get('counts'), dict) else {}
    for n in names:
        if n in counts:
            return counts[n]
        head, _, tail = n.partition('_')
        nested = counts.get(head)
        if tail and isinstance(nested, dict) and tail in nested:
            return nested[tail]
        if n in manifest:
            return manifest[n]
    return None


def load_dataset(directory: str) -> Dataset:
    path = next((os.path.join(directory, n) for n in DATASET_NAMES if os.path.isfile(os.path.join(directory, n))), '')
    if not path:
        raise DatasetError(f'{directory}: none of {list(DATASET_NAMES)} found in the train channel')
    mpath = os.path.join(directory, 'manifest.json')
    if not os.path.isfile(mpath):
        raise DatasetError(f'{mpath}: manifest.json is missing next to the dataset')
    raw = open(path, 'rb').read()
    sha = hashlib.sha256(raw).hexdigest()
    try:
        manifest = json.loads(open(mpath, encoding='utf-8').read())
    except ValueError as e:
        raise DatasetError(f'{mpath}: not valid JSON ({e})') from None
    mv = _V(mpath)
    mv.obj(manifest, '$')
    schema = manifest.get('schema')
    if not isinstance(schema, str) or not schema.startswith(MANIFEST_SCHEMA_PREFIX):
        mv.fail('$.schema', f'must start with {MANIFEST_SCHEMA_PREFIX!r}, got {schema!r}')
    want = mv.string(mv.key(manifest, 'dataset_sha256', '$'), '$.dataset_sha256')
    if want.removeprefix('sha256:').lower() != sha:
        mv.fail('$.dataset_sha256', f'{want} does not match the sha256 of {os.path.basename(path)} ({sha})')
    pol = mv.obj(mv.key(manifest, 'policy', '$'), '$.policy')
    mv.string(mv.key(pol, 'policy_id', '$.policy'), '$.policy.policy_id')
    try:
        text = raw.decode('utf-8')
    except UnicodeDecodeError as e:
        raise DatasetError(f'{path}: not UTF-8 ({e})') from None
    groups = []
    for n, line in enumerate(text.split('\n'), start=1):
        if not line.strip():
            continue
        where = f'{os.path.basename(path)} line {n}'
        try:
            g = json.loads(line)
        except ValueError as e:
            raise DatasetError(f'{where}: not valid JSON ({e})') from None
        groups.append(validate_group(g, where))
    _recount(mv, manifest, groups)
    return Dataset(groups=groups, manifest=manifest, path=path, sha256=sha)


def _recount(mv: _V, manifest: dict, groups: list[dict]) -> None:
    """The manifest's kept counts must equal a recount of the JSONL (spec §9.11)."""
    n_traj = sum(len(g['trajectories']) for g in groups)
    for names, actual in ((('groups_kept',), len(groups)), (('trajectories_kept',), n_traj)):
        want = _count(manifest, *names)
        if want is None:
            mv.fail(f'$.counts.{names[0]}', 'is required')
        if want != actual:
            mv.fail(f'$.counts.{names[0]}', f'says {want} but the dataset holds {actual}')


def manifest_count(manifest: dict, name: str) -> Any:
    return _count(manifest, name)
