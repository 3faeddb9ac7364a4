import os
import shutil
import tempfile
import unittest

import torch

from harnessx_trainer.config import parse_config
from harnessx_trainer.dataset import load_dataset
from harnessx_trainer.loop import train
from harnessx_trainer.loss import masked_logprobs
from harnessx_trainer.prepare import prepare
from harnessx_trainer.tiny import CharTokenizer, TinyCausalLM, ToyChatTemplate
from helpers import group, token_traj, write_dataset

FIX = os.path.join(os.path.dirname(__file__), 'fixtures', 'xgrpo-small')
PROMPT = [1, 10, 11, 12, 2, 1, 13]


def small_model(seed=0):
    return TinyCausalLM(vocab_size=64, hidden=16, layers=1, heads=2, max_positions=64, r=2, seed=seed)


class TestTraining(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()

    def tearDown(self):
        shutil.rmtree(self.dir)

    def test_training_raises_logp_of_positive(self):
        """§9.23: a few steps raise the positive completion's log-likelihood and lower the negative one's."""
        pos, neg = [20, 21, 22, 2], [30, 31, 2]
        write_dataset(self.dir, [group('toy', [token_traj('t:p', 1.0, PROMPT, [pos]), token_traj('t:n', 0.0, PROMPT, [neg])])])
        cfg = parse_config({'lr': 0.05, 'groups_per_step': 1, 'epochs': 3, 'max_seq_len': 64, 'old_logp': 'proximal'})
        prep = prepare(load_dataset(self.dir), cfg, vocab_size=64)
        model = small_model()

        def ll(comp):
            ids = torch.tensor(PROMPT + comp)
            mask = torch.tensor([0] * len(PROMPT) + [1] * len(comp), dtype=torch.bool)
            with torch.no_grad():
                return float(masked_logprobs(model, ids, mask, torch.ones(len(ids))).sum())

        before = ll(pos), ll(neg)
        out = train(model, prep, cfg, None, log=lambda s: None)
        self.assertEqual(out['steps_done'], 3)
        self.assertGreater(ll(pos), before[0])
        self.assertLess(ll(neg), before[1])

    def test_base_weights_frozen_and_only_adapter_trains(self):
        cfg = parse_config({'lr': 0.01, 'max_seq_len': 512})
        prep = prepare(load_dataset(FIX), cfg, ToyChatTemplate(), CharTokenizer(256), vocab_size=256)
        model = TinyCausalLM(seed=3)
        frozen = {n: p.detach().clone() for n, p in model.named_parameters() if not p.requires_grad}
        self.assertTrue(all('lora_' in n for n, p in model.named_parameters() if p.requires_grad))
        start = model.trainable_state()
        train(model, prep, cfg, None, log=lambda s: None)
        for n, p in model.named_parameters():
            if n in frozen:
                self.assertTrue(torch.equal(p, frozen[n]), n)
        self.assertTrue(any(not torch.equal(v, model.trainable_state()[k]) for k, v in start.items()))
        d = os.path.join(self.dir, 'adapter')
        model.save_adapter(d)
        again = TinyCausalLM(seed=3)
        again.load_adapter(d)
        ids = torch.tensor(prep.groups[0].rows[0].input_ids)
        self.assertTrue(torch.allclose(model.logits(ids[None]), again.logits(ids[None]), atol=1e-5))

    def test_resume_from_checkpoint_matches_uninterrupted_run(self):
        cfg = parse_config({'lr': 0.02, 'groups_per_step': 1, 'epochs': 2, 'max_seq_len': 512, 'checkpoint_every': 2})
        ds = load_dataset(FIX)

        def fresh():
            return prepare(ds, cfg, ToyChatTemplate(), CharTokenizer(256), vocab_size=256), TinyCausalLM(seed=5)

        prep, full = fresh()
        out = train(full, prep, cfg, os.path.join(self.dir, 'a'), log=lambda s: None)
        self.assertEqual(out['steps_total'], 6)
        ck = os.path.join(self.dir, 'b')
        prep, m1 = fresh()
        train(m1, prep, cfg, ck, log=lambda s: None, stop_after_steps=3)  # "spot interruption" after step 2
        self.assertEqual(open(os.path.join(ck, 'latest')).read(), 'step-00000001')
        prep, m2 = fresh()  # a new process: the same seed, a fresh adapter, then the checkpoint
        logs = []
        out2 = train(m2, prep, cfg, ck, log=logs.append)
        self.assertEqual(out2['resumed_from_step'], 2)
        self.assertIn('resumed from checkpoint step=1', logs[0])
        self.assertTrue(logs[1].startswith('step=2 '))
        for k, v in full.trainable_state().items():
            self.assertTrue(torch.allclose(v, m2.trainable_state()[k], atol=1e-6), k)
        with open(os.path.join(ck, 'metrics.jsonl')) as f:
            self.assertEqual([__import__('json').loads(x)['step'] for x in f], list(range(6)))


if __name__ == '__main__':
    unittest.main()
