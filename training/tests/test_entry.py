"""End to end: train.py as a subprocess with SageMaker-style env and hyperparameters (tiny backend)."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

from helpers import group, message_traj, token_traj, write_dataset

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, 'tests', 'fixtures', 'xgrpo-small')
CONFIG = {'groups_per_step': 2, 'lr': 0.01, 'max_seq_len': 512, 'seed': 7}


class TestTrainEntry(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.out = os.path.join(self.dir, 'model')
        self.ckpt = os.path.join(self.dir, 'checkpoints')

    def tearDown(self):
        shutil.rmtree(self.dir)

    def run_job(self, train_dir, config=CONFIG, extra_hps=None):
        hps = {'sagemaker_program': json.dumps('train.py'), 'sagemaker_submit_directory': json.dumps('s3://b/src.tar.gz'),
               'config': json.dumps(json.dumps(config))}  # fmt: skip
        hps.update(extra_hps or {})
        hp_path = os.path.join(self.dir, 'hyperparameters.json')
        json.dump(hps, open(hp_path, 'w'))
        env = {k: v for k, v in os.environ.items() if not k.startswith('SM_')}
        env.update(SM_CHANNEL_TRAIN=train_dir, SM_MODEL_DIR=self.out, HX_CHECKPOINT_DIR=self.ckpt,
                   HX_HYPERPARAMETERS_PATH=hp_path)  # fmt: skip
        return subprocess.run([sys.executable, os.path.join(ROOT, 'train.py'), '--model-backend', 'tiny'],
                              cwd=self.dir, env=env, capture_output=True, text=True, timeout=120)  # fmt: skip

    def test_job_writes_outputs_and_report_matches_manifest(self):
        p = self.run_job(FIX)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertEqual(sorted(os.listdir(self.out)),
                         ['adapter_config.json', 'adapter_model.pt', 'metrics.jsonl', 'report.json'])  # fmt: skip
        steps = [ln for ln in p.stdout.splitlines() if ln.startswith('step=')]
        self.assertEqual(len(steps), 2)
        self.assertRegex(steps[0], r'^step=0 loss=-?[0-9.]+ clip_frac=[0-9.]+ ')
        report = json.load(open(os.path.join(self.out, 'report.json')))
        manifest = json.load(open(os.path.join(FIX, 'manifest.json')))
        ds = report['dataset']
        self.assertEqual(ds['groups_in'], manifest['counts']['groups_kept'])
        self.assertEqual(ds['trajectories_in'], manifest['counts']['trajectories_kept'])
        self.assertEqual(ds['row_stats']['zero_advantage'], manifest['counts']['zero_advantage'])
        self.assertEqual(ds['dataset_sha256'], manifest['dataset_sha256'])
        self.assertGreater(ds['row_stats']['trajectories_token_mode'], 0)
        self.assertGreater(ds['row_stats']['trajectories_message_mode'], 0)
        self.assertEqual((report['seed'], report['training']['steps_done']), (7, 2))
        metrics = [json.loads(x) for x in open(os.path.join(self.out, 'metrics.jsonl'))]
        self.assertEqual([m['step'] for m in metrics], [0, 1])
        self.assertEqual(sum(m['n_tokens'] for m in metrics), ds['trainable_tokens'])

    def test_rerun_after_interruption_resumes(self):
        self.assertEqual(self.run_job(FIX).returncode, 0)
        p = self.run_job(FIX)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn('resumed from checkpoint step=1', p.stdout)

    def test_all_degenerate_dataset_exits_non_zero(self):
        """E16."""
        d = os.path.join(self.dir, 'degenerate')
        prompt = [1, 5, 6]
        write_dataset(d, [
            group('a', [token_traj('t:1', 1.0, prompt, [[7]]), token_traj('t:2', 1.0, prompt, [[8]])]),
            group('b', [message_traj('t:3', 0.0, ['x']), message_traj('t:4', 0.0, ['y'])]),
        ])  # fmt: skip
        p = self.run_job(d)
        self.assertNotEqual(p.returncode, 0)
        last = p.stderr.strip().splitlines()[-1]
        self.assertIn('E16', last)
        self.assertIn('zero_spread_all_fail=1', last)
        self.assertFalse(os.path.exists(os.path.join(self.out, 'adapter_model.pt')))

    def test_unknown_config_key_exits_non_zero(self):
        p = self.run_job(FIX, config={**CONFIG, 'learning_rate': 0.1})
        self.assertEqual(p.returncode, 2)
        self.assertEqual(p.stderr.strip().splitlines()[-1], 'ConfigError: unknown config key(s): learning_rate')

    def test_unknown_hyperparameter_exits_non_zero(self):
        p = self.run_job(FIX, extra_hps={'epochs': '2'})
        self.assertEqual(p.returncode, 2)
        self.assertIn('unknown hyperparameter(s): epochs', p.stderr)

    def test_advantage_mismatch_exits_non_zero(self):
        """E17 through the job: names the group and the trajectory."""
        d = os.path.join(self.dir, 'bad-adv')
        g = group('a', [token_traj('t:1', 1.0, [1, 5], [[7]]), token_traj('t:2', 0.0, [1, 5], [[8]])])
        g['trajectories'][0]['advantage'] = 0.5
        write_dataset(d, [g])
        p = self.run_job(d)
        self.assertEqual(p.returncode, 4)
        self.assertIn('t:1', p.stderr)
        self.assertIn(g['group_id'], p.stderr)


if __name__ == '__main__':
    unittest.main()
