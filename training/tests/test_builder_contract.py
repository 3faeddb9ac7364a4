"""The contract between the two sides: the TypeScript builder's frozen output
(harness-core/src/coevolution/fixtures/expected) must load, validate and re-check here exactly as
the job would read it from its train channel (spec §5, §9.11, §9.13)."""
import os
import unittest

from harnessx_trainer.advantages import compute_all
from harnessx_trainer.config import parse_config
from harnessx_trainer.dataset import load_dataset, manifest_count

BUILDER_OUTPUT = os.path.join(
    os.path.dirname(__file__), '..', '..', 'harness-core', 'src', 'coevolution', 'fixtures', 'expected'
)


@unittest.skipUnless(os.path.isdir(BUILDER_OUTPUT), 'the TypeScript builder fixture is not in this checkout')
class TestTypeScriptBuilderOutput(unittest.TestCase):
    def test_loads_with_matching_sha_and_counts(self):
        dataset = load_dataset(BUILDER_OUTPUT)
        self.assertGreater(len(dataset.groups), 0)
        self.assertEqual(manifest_count(dataset.manifest, 'groups_kept'), len(dataset.groups))
        trajectories = sum(len(g['trajectories']) for g in dataset.groups)
        self.assertEqual(manifest_count(dataset.manifest, 'trajectories_kept'), trajectories)

    def test_stored_advantages_equal_the_recomputed_ones(self):
        dataset = load_dataset(BUILDER_OUTPUT)
        results = compute_all(dataset.groups, parse_config({}))
        for group, result in zip(dataset.groups, results):
            self.assertTrue(result.kept, group['group_id'])
            stored = [t['advantage'] for t in group['trajectories']]
            for s, r in zip(stored, result.advantages):
                self.assertAlmostEqual(s, r, delta=1e-6)


if __name__ == '__main__':
    unittest.main()
