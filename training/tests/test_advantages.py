import copy
import json
import os
import unittest

from harnessx_trainer.advantages import apply_retired_scale, compute_all, drop_reason, group_advantages
from harnessx_trainer.config import parse_config
from harnessx_trainer.errors import AdvantageMismatch
from helpers import group, token_traj

GOLDEN = os.path.join(os.path.dirname(__file__), 'fixtures', 'advantage-golden.json')


class TestGoldenFixture(unittest.TestCase):
    """§9.12: the shared rewards → advantages / drop-reason fixture."""

    def test_every_golden_case(self):
        cases = json.load(open(GOLDEN))['cases']
        self.assertGreater(len(cases), 5)
        cfg = parse_config({})
        for case in cases:
            with self.subTest(case['name']):
                exp = case['expected']
                why = drop_reason(case['rewards'], case['reward_range'], cfg)
                self.assertEqual(why, exp['drop_reason'])
                self.assertEqual(why is None, exp['kept'])
                if exp['kept']:
                    got = group_advantages(case['rewards'], case['config'])
                    for g, e in zip(got, exp['advantages']):
                        self.assertAlmostEqual(g, e, delta=1e-12)


def _groups():
    p = [1, 5, 6]
    return [
        group('a', [token_traj('t:1', 1.0, p, [[7, 8]]), token_traj('t:2', 0.0, p, [[9]]), token_traj('t:3', 0.5, p, [[4]])]),
        group('b', [token_traj('t:4', 0.2, p, [[7]]), token_traj('t:5', 0.9, p, [[9]], version='v2')]),
    ]


class TestRecompute(unittest.TestCase):
    def test_stored_advantages_match_and_sum_to_zero(self):
        """§9.13 / §9.1: recomputed equals stored; Σ A = 0 per kept group for every scale."""
        groups = _groups()
        res = compute_all(groups, parse_config({}))
        for g, r in zip(groups, res):
            self.assertTrue(r.kept)
            for t, a in zip(g['trajectories'], r.advantages):
                self.assertAlmostEqual(t['advantage'], a, delta=1e-9)
        for scale in ('group', 'none', 'batch'):
            gs = copy.deepcopy(groups)
            for g in gs:
                g['advantage']['scale'] = scale
                for t in g['trajectories']:
                    t['advantage'] = None
            for r in compute_all(gs, parse_config({})):
                self.assertLess(abs(sum(r.advantages)), 1e-9 * len(r.advantages))

    def test_mismatch_aborts_naming_group_and_trajectory(self):
        """E17."""
        groups = _groups()
        groups[1]['trajectories'][1]['advantage'] += 2e-6
        with self.assertRaises(AdvantageMismatch) as ctx:
            compute_all(groups, parse_config({}))
        msg = str(ctx.exception)
        self.assertIn(groups[1]['group_id'], msg)
        self.assertIn('t:5', msg)

    def test_within_tolerance_passes(self):
        groups = _groups()
        groups[0]['trajectories'][0]['advantage'] += 5e-7
        self.assertTrue(all(r.kept for r in compute_all(groups, parse_config({}))))

    def test_retired_harness_scale_damps_only_negative_non_target(self):
        groups = _groups()
        cfg = parse_config({'retired_harness_negative_scale': 0.5, 'target_harness_versions': ['v2']})
        res = compute_all(groups, cfg)
        before = [list(r.advantages) for r in res]
        hits = apply_retired_scale(groups, res, cfg)
        self.assertEqual(hits, 2)  # t:2 and t:4 are negative on v1; t:5 (v2) is the target
        for g, r, b in zip(groups, res, before):
            for t, a, a0 in zip(g['trajectories'], r.advantages, b):
                want = a0 * 0.5 if (a0 < 0 and t['harness']['version'] != 'v2') else a0
                self.assertAlmostEqual(a, want)


if __name__ == '__main__':
    unittest.main()
