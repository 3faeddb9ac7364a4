"""Spot-safe checkpoints: trainable state, optimizer, step and RNG every K steps; resume from the latest.

Writes go to a temporary directory renamed into place, and the `latest` pointer is replaced atomically,
so an interruption mid-write leaves the previous checkpoint usable.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import tempfile

import torch

LATEST = 'latest'
PREPASS = 'prepass.pt'


def _atomic_write_text(path: str, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix='.tmp-')
    with os.fdopen(fd, 'w', encoding='utf-8') as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def atomic_torch_save(obj, path: str) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix='tmp-', suffix='.pt')  # torch 1.13 rejects dotfiles
    os.close(fd)
    torch.save(obj, tmp)
    os.replace(tmp, path)


def save_checkpoint(directory: str, step: int, model, optimizer, extra: dict) -> str:
    os.makedirs(directory, exist_ok=True)
    name = f'step-{step:08d}'
    tmp = tempfile.mkdtemp(dir=directory, prefix='.tmp-')
    torch.save(model.trainable_state(), os.path.join(tmp, 'trainable.pt'))
    torch.save(optimizer.state_dict(), os.path.join(tmp, 'optimizer.pt'))
    torch.save({'torch': torch.get_rng_state(), 'python': random.getstate()}, os.path.join(tmp, 'rng.pt'))
    with open(os.path.join(tmp, 'state.json'), 'w', encoding='utf-8') as f:
        json.dump({'step': step, **extra}, f)
    final = os.path.join(directory, name)
    if os.path.exists(final):
        shutil.rmtree(final)
    os.rename(tmp, final)
    _atomic_write_text(os.path.join(directory, LATEST), name)
    for old in os.listdir(directory):  # keep the newest two: the pointer may lag a crash by one
        if old.startswith('step-') and old < name and old != _previous(directory, name):
            shutil.rmtree(os.path.join(directory, old), ignore_errors=True)
    return final


def _previous(directory: str, name: str) -> str | None:
    older = sorted(d for d in os.listdir(directory) if d.startswith('step-') and d < name)
    return older[-1] if older else None


def load_latest(directory: str, model, optimizer) -> dict | None:
    """Restores the newest complete checkpoint; returns its state.json (with 'step') or None."""
    pointer = os.path.join(directory, LATEST)
    if not os.path.isfile(pointer):
        return None
    path = os.path.join(directory, open(pointer, encoding='utf-8').read().strip())
    with open(os.path.join(path, 'state.json'), encoding='utf-8') as f:
        state = json.load(f)
    model.load_trainable_state(torch.load(os.path.join(path, 'trainable.pt')))
    optimizer.load_state_dict(torch.load(os.path.join(path, 'optimizer.pt')))
    rng = torch.load(os.path.join(path, 'rng.pt'))
    torch.set_rng_state(rng['torch'])
    random.setstate(rng['python'])
    return state
