import json
import os
import shutil
import tempfile
import unittest

from harnessx_trainer.dataset import load_dataset
from harnessx_trainer.errors import DatasetError
from helpers import group, token_traj, write_dataset

FIX = os.path.join(os.path.dirname(__file__), 'fixtures', 'xgrpo-small')
P = [1, 5, 6]


class TestDataset(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def _write(self, groups, **kw):
        return write_dataset(self.dir, groups, **kw)

    def _two(self):
        return [token_traj('t:1', 1.0, P, [[7, 8]]), token_traj('t:2', 0.0, P, [[9]])]

    def test_fixture_loads_and_counts_match(self):
        ds = load_dataset(FIX)
        self.assertEqual(len(ds.groups), 3)
        self.assertEqual(ds.manifest['dataset_sha256'], ds.sha256)

    def test_groups_jsonl_name_accepted(self):
        self._write([group('a', self._two())], name='groups.jsonl')
        self.assertEqual(len(load_dataset(self.dir).groups), 1)

    def test_sha_mismatch_rejected(self):
        self._write([group('a', self._two())])
        with open(os.path.join(self.dir, 'dataset.jsonl'), 'a') as f:
            f.write('\n')
        with self.assertRaisesRegex(DatasetError, 'dataset_sha256'):
            load_dataset(self.dir)

    def test_count_mismatch_rejected(self):
        m = self._write([group('a', self._two())])
        m['counts']['trajectories_kept'] = 3
        json.dump(m, open(os.path.join(self.dir, 'manifest.json'), 'w'))
        with self.assertRaisesRegex(DatasetError, 'trajectories_kept.*3.*2'):
            load_dataset(self.dir)

    def _bad(self, mutate, pattern):
        g = group('a', self._two())
        mutate(g)
        self._write([g])
        with self.assertRaisesRegex(DatasetError, pattern) as ctx:
            load_dataset(self.dir)
        self.assertIn('line 1', str(ctx.exception))

    def test_malformed_records_name_the_path(self):
        def logprob_len(g):
            g['trajectories'][0]['calls'][0]['tokens']['completion_logprobs'] = [-0.1]

        def forward_extends(g):
            g['trajectories'][0]['calls'][0]['tokens']['extends'] = 'c9'

        def response_role(g):
            g['trajectories'][0]['calls'][0]['response']['role'] = 'user'

        def nan_reward(g):
            g['trajectories'][1]['reward'] = float('nan')

        def schema(g):
            g['schema'] = 'harnessx.xgrpo.group/2'

        def args_dict(g):
            g['trajectories'][0]['calls'][0]['response']['tool_calls'] = [
                {'id': 'x', 'type': 'function', 'function': {'name': 'f', 'arguments': {'a': 1}}}]

        self._bad(logprob_len, r'trajectories\[0\]\.calls\[0\]\.tokens\.completion_logprobs')
        self._bad(forward_extends, r'tokens\.extends.*not an earlier call')
        self._bad(response_role, r'response\.role')
        self._bad(nan_reward, r'trajectories\[1\]\.reward')
        self._bad(schema, r'\$\.schema')
        self._bad(args_dict, r'arguments.*JSON string')

    def test_missing_manifest(self):
        self._write([group('a', self._two())])
        os.remove(os.path.join(self.dir, 'manifest.json'))
        with self.assertRaisesRegex(DatasetError, 'manifest.json'):
            load_dataset(self.dir)


if __name__ == '__main__':
    unittest.main()
