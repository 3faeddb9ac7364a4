"""Regenerates tests/fixtures/xgrpo-small (3 groups: token mode, message mode, mixed). Run from training/."""

import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from helpers import group, message_traj, token_traj, write_dataset  # noqa: E402

PROMPT = [1, 115, 121, 115, 2, 1, 117, 115, 101, 114, 2, 1, 97]


def build():
    g1 = group('swe-1', [
        token_traj('t:a', 1.0, PROMPT, [[60, 61, 62, 2], [63, 64, 2]]),
        token_traj('t:b', 0.0, PROMPT, [[70, 71, 2], [72, 2]]),
        token_traj('t:c', 1.0, PROMPT, [[60, 65, 2]], version='v2'),
        token_traj('t:d', 0.0, PROMPT, [[80, 81, 82, 2]], version='v2'),
    ])  # fmt: skip
    g2 = group('swe-2', [
        message_traj('t:e', 1.0, ['The fix is in utils.py<done>']),
        message_traj('t:f', 0.0, ['I give up']),
        message_traj('t:g', 0.5, ['Partial fix', 'More work']),
    ])  # fmt: skip
    g3 = group('swe-3', [
        token_traj('t:h', 0.0, PROMPT, [[90, 91, 2]], logprob=None),
        message_traj('t:i', 1.0, ['Done']),
    ])  # fmt: skip
    return [g1, g2, g3]


if __name__ == '__main__':
    write_dataset(os.path.join(os.path.dirname(__file__), 'fixtures', 'xgrpo-small'), build())
