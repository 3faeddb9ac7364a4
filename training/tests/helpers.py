"""Builders for §5 dataset records used by the tests (and by make_fixtures.py for the static fixtures)."""

from __future__ import annotations

import hashlib
import json
import math
import os

POLICY = 'sha256:tiny-policy-0'
SYS = {'role': 'system', 'content': 'You fix bugs.'}
TOOLS = [{'type': 'function', 'function': {'name': 'run_shell', 'description': 'run a command',
          'parameters': {'type': 'object', 'properties': {'cmd': {'type': 'string'}}, 'required': ['cmd']}}}]  # fmt: skip


def tokens(prompt_ids, completion_ids, extends=None, logprobs=None, mode='processed'):
    return {'extends': extends, 'prompt_ids': list(prompt_ids), 'completion_ids': list(completion_ids),
            'completion_logprobs': logprobs, 'logprobs_mode': mode}  # fmt: skip


def call(call_id, messages, response, extends=None, trainable=True, finish='stop', temperature=1.0, tok=None):
    if isinstance(response, str):
        response = {'role': 'assistant', 'content': response}
    c = {
        'call_id': call_id, 'trainable': trainable,
        'context': {'extends': extends, 'messages': messages, 'tools': None, 'chat_template_kwargs': {}},
        'response': response, 'finish_reason': finish,
        'sampling': {'temperature': temperature, 'top_p': 1.0, 'top_k': None, 'max_tokens': 64},
    }  # fmt: skip
    if tok is not None:
        c['tokens'] = tok
    return c


def advantages(rewards, eps=1e-4):
    mu = sum(rewards) / len(rewards)
    sd = math.sqrt(sum((r - mu) ** 2 for r in rewards) / len(rewards))
    return [(r - mu) / (sd + eps) for r in rewards]


def trajectory(tid, reward, calls, version='v1'):
    return {
        'trajectory_id': tid,
        'harness': {'harness_id': 'main', 'version': version, 'artifact_uri': f's3://b/harness/{version}.json',
                    'sha256': 'ab' * 32},
        'status': 'completed', 'reward': reward, 'reward_components': {'tests_passed': reward},
        'advantage': None, 'tools': TOOLS, 'calls': calls,
    }  # fmt: skip


def group(task_id, trajs, policy=POLICY, with_adv=True):
    gid = 'g:' + hashlib.sha256(f'{task_id}|{policy}|task_success@3|r1'.encode()).hexdigest()
    rewards = [t['reward'] for t in trajs]
    spread = max(rewards) - min(rewards) > 1e-6 if len(rewards) >= 2 else False
    advs = advantages(rewards) if spread else [0.0] * len(rewards)
    mu = sum(rewards) / len(rewards)
    for t, a in zip(trajs, advs):
        t['advantage'] = a if with_adv else None
    return {
        'schema': 'harnessx.xgrpo.group/1', 'group_id': gid, 'task_id': task_id, 'round': 'r1',
        'policy': {'policy_id': policy, 'base_model': 'tiny', 'adapter_uri': None, 'chat_template_sha256': 'cd' * 32},
        'reward_spec': {'name': 'task_success', 'version': '3', 'range': [0, 1]},
        'advantage': {'scale': 'group', 'baseline': 'mean', 'eps': 0.0001, 'ddof': 0, 'n': len(rewards),
                      'mean': mu, 'std': math.sqrt(sum((r - mu) ** 2 for r in rewards) / len(rewards))},
        'trajectories': sorted(trajs, key=lambda t: t['trajectory_id']),
    }  # fmt: skip


def write_dataset(directory, groups, policy=POLICY, name='dataset.jsonl', manifest_extra=None):
    os.makedirs(directory, exist_ok=True)
    groups = sorted(groups, key=lambda g: g['group_id'])
    text = ''.join(json.dumps(g, separators=(',', ':'), ensure_ascii=False) + '\n' for g in groups)
    data = text.encode('utf-8')
    with open(os.path.join(directory, name), 'wb') as f:
        f.write(data)
    n_traj = sum(len(g['trajectories']) for g in groups)
    zero = sum(1 for g in groups for t in g['trajectories'] if abs(t['advantage'] or 0.0) <= 1e-8)
    manifest = {
        'schema': 'harnessx.xgrpo.manifest/1', 'created_at': '2026-01-01T00:00:00Z',
        'builder_version': 'test-helpers', 'dataset_file': name,
        'dataset_sha256': hashlib.sha256(data).hexdigest(),
        'policy': {'policy_id': policy, 'base_model': 'tiny', 'adapter_uri': None},
        'advantage': {'scale': 'group', 'baseline': 'mean', 'eps': 0.0001, 'ddof': 0},
        'filter': {'min_group_size': 2, 'zero_spread_tol': 1e-6},
        'counts': {'groups_in': len(groups), 'groups_kept': len(groups), 'groups_dropped': {},
                   'trajectories_in': n_traj, 'trajectories_kept': n_traj, 'trajectories_excluded': {},
                   'zero_advantage': zero},
        'per_harness_version': {},
    }  # fmt: skip
    manifest.update(manifest_extra or {})
    with open(os.path.join(directory, 'manifest.json'), 'w', encoding='utf-8') as f:
        json.dump(manifest, f, indent=2)
    return manifest


def token_traj(tid, reward, prompt, answers, logprob=None, tool_result=(40, 41), version='v1'):
    """A token-mode trajectory: call c0 answers `prompt`, later calls extend with a tool result."""
    calls, ext = [], None
    for k, ans in enumerate(answers):
        p = list(prompt) if k == 0 else list(tool_result)
        lps = [logprob] * len(ans) if logprob is not None else None
        msgs = [SYS, {'role': 'user', 'content': 'fix'}] if k == 0 else [{'role': 'tool', 'tool_call_id': 'x', 'content': 'ok'}]
        calls.append(call(f'c{k}', msgs, f'answer {k}', extends=ext, tok=tokens(p, ans, extends=ext, logprobs=lps)))
        ext = f'c{k}'
    return trajectory(tid, reward, calls, version)


def message_traj(tid, reward, answers, version='v1'):
    """A message-mode trajectory (no token ids): a tool call then a final answer."""
    calls = [call('c0', [SYS, {'role': 'user', 'content': 'Fix the failing test'}],
                  {'role': 'assistant', 'content': None, 'tool_calls': [{'id': 'call_a', 'type': 'function',
                   'function': {'name': 'run_shell', 'arguments': '{"cmd":"pytest -x"}'}}]}, finish='tool_calls')]  # fmt: skip
    for k, ans in enumerate(answers, start=1):
        calls.append(call(f'c{k}', [{'role': 'tool', 'tool_call_id': 'call_a', 'content': f'result {k}'}], ans,
                          extends=f'c{k - 1}'))  # fmt: skip
    return trajectory(tid, reward, calls, version)
