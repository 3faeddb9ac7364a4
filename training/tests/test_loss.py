import math
import unittest

import torch

from harnessx_trainer.config import parse_config
from harnessx_trainer.errors import PipelineMismatch
from harnessx_trainer.loop import geo_mask
from harnessx_trainer.loss import gather_logprobs, masked_logprobs, row_loss
from harnessx_trainer.rows import Row
from harnessx_trainer.step import row_constants
from harnessx_trainer.tiny import TinyCausalLM

CUR = parse_config({'old_logp': 'current'})
PROX = parse_config({})


def tiny():
    return TinyCausalLM(vocab_size=32, hidden=16, layers=1, heads=2, max_positions=64, r=2, seed=1)


def nudge(model):
    with torch.no_grad():
        for p in model.trainable_parameters():
            p.add_(0.05 * torch.randn_like(p))


def grads(params):
    return [p.grad.detach().clone() if p.grad is not None else torch.zeros_like(p) for p in params]


class TestLogprobs(unittest.TestCase):
    def test_alignment_and_chunking(self):
        """§9.16: position t holds log softmax(z_{t−1}/T_t)[x_t]; position 0 never trained; chunks agree."""
        torch.manual_seed(0)
        m = tiny()
        ids = torch.randint(0, 32, (9,))
        mask = torch.tensor([1, 0, 1, 1, 0, 1, 1, 1, 0], dtype=torch.bool)
        temp = torch.tensor([1, 1, 0.5, 0.5, 1, 2, 2, 1, 1.0])
        got = masked_logprobs(m, ids, mask, temp, chunk=2)
        z = m.logits(ids[None])[0]
        want = [torch.log_softmax(z[t - 1] / temp[t], -1)[ids[t]] for t in range(1, 9) if mask[t]]
        self.assertEqual(got.shape[0], 5)  # position 0 excluded although its mask is 1
        self.assertTrue(torch.allclose(got, torch.stack(want), atol=1e-6))
        self.assertTrue(torch.allclose(got, masked_logprobs(m, ids, mask, temp, chunk=100), atol=1e-6))

    def test_logits_at_unmasked_positions_have_no_influence(self):
        """§9.18: perturbing logits whose target is masked 0 leaves the log-probs unchanged."""
        z = torch.randn(6, 10)
        tgt = torch.randint(0, 10, (6,))
        sel = torch.tensor([1, 0, 1, 0, 0, 1], dtype=torch.bool)
        a = gather_logprobs(z[sel], tgt[sel], torch.ones(3))
        z2 = z.clone()
        z2[~sel] = float('nan')
        self.assertTrue(torch.equal(a, gather_logprobs(z2[sel], tgt[sel], torch.ones(3))))


class TestLoss(unittest.TestCase):
    def setUp(self):
        torch.manual_seed(0)
        self.m = tiny()
        nudge(self.m)
        self.params = self.m.trainable_parameters()
        self.rows = [  # (ids, mask, advantage)
            (torch.randint(0, 32, (8,)), torch.tensor([0, 0, 1, 1, 0, 1, 1, 0], dtype=torch.bool), 1.2),
            (torch.randint(0, 32, (6,)), torch.tensor([0, 1, 1, 1, 0, 1], dtype=torch.bool), -0.7),
        ]

    def _lp(self, ids, mask):
        return masked_logprobs(self.m, ids, mask, torch.ones(len(ids)))

    def test_onpolicy_gradient_equals_reinforce(self):
        """§9.17."""
        n = sum(int(mk[1:].sum()) for _, mk, _ in self.rows)
        self.m.zero_grad()
        for ids, mk, a in self.rows:
            lp = self._lp(ids, mk)
            row_loss(lp, None, torch.full_like(lp, math.nan), a, torch.ones_like(lp, dtype=torch.bool), 1 / n, CUR).loss.backward()
        g1 = grads(self.params)
        self.m.zero_grad()
        sum(-(a / n) * self._lp(ids, mk).sum() for ids, mk, a in self.rows).backward()
        for x, y in zip(g1, grads(self.params)):
            self.assertTrue(torch.allclose(x, y, atol=1e-7))

    def test_grad_accumulation_matches_full_batch(self):
        """§9.21: per-row backward with the global N equals one backward of the full step loss."""
        old = [self._lp(ids, mk).detach() + 0.1 for ids, mk, _ in self.rows]
        n = sum(len(o) for o in old)
        self.m.zero_grad()
        for (ids, mk, a), o in zip(self.rows, old):
            lp = self._lp(ids, mk)
            row_loss(lp, o, torch.full_like(lp, math.nan), a, torch.ones_like(lp, dtype=torch.bool), 1 / n, PROX).loss.backward()
        g1 = grads(self.params)
        self.m.zero_grad()
        total = 0
        for (ids, mk, a), o in zip(self.rows, old):
            lp = self._lp(ids, mk)
            total = total + row_loss(lp, o, torch.full_like(lp, math.nan), a, torch.ones_like(lp, dtype=torch.bool), 1.0, PROX).loss
        (total / n).backward()
        for x, y in zip(g1, grads(self.params)):
            self.assertTrue(torch.allclose(x, y, atol=1e-7))

    def test_zero_advantage_zero_gradient(self):
        """§9.19."""
        self.m.zero_grad()
        for ids, mk, _ in self.rows:
            lp = self._lp(ids, mk)
            row_loss(lp, lp.detach() - 0.3, torch.full_like(lp, math.nan), 0.0, torch.ones_like(lp, dtype=torch.bool), 0.1, PROX).loss.backward()
        self.assertTrue(all(torch.count_nonzero(g) == 0 for g in grads(self.params)))


class TestTokenLevel(unittest.TestCase):
    """Properties on full-length vectors with garbage at masked positions."""

    def setUp(self):
        self.valid = torch.tensor([False, True, True, False, True])

    def _loss(self, lp, old, beh, adv=1.0, cfg=PROX, correct=False):
        return row_loss(lp, old, beh, adv, self.valid, 0.25, cfg, correct=correct)

    def test_masked_tokens_have_no_influence(self):
        """§9.18."""
        lp = torch.tensor([-1.0, -2.0, -0.5, -3.0, -1.5], requires_grad=True)
        old = torch.tensor([-1.0, -2.1, -0.4, -3.0, -1.5])
        beh = torch.full((5,), math.nan)
        base = self._loss(lp, old, beh).loss
        lp2 = lp.detach().clone()
        lp2[0], lp2[3] = 50.0, -70.0
        old2 = old.clone()
        old2[0], old2[3] = 9.0, -9.0
        self.assertEqual(float(base), float(self._loss(lp2.requires_grad_(), old2, beh).loss))

    def test_nan_old_logprobs_at_masked_positions(self):
        lp = torch.tensor([-1.0, -2.0, -0.5, -3.0, -1.5], requires_grad=True)
        old = torch.tensor([math.nan, -2.1, -0.4, math.inf, -1.5])
        out = self._loss(lp, old, torch.full((5,), math.nan))
        out.loss.backward()
        self.assertTrue(math.isfinite(float(out.loss)))
        self.assertTrue(torch.isfinite(lp.grad).all())
        self.assertEqual(float(lp.grad[0]), 0.0)

    def test_nan_behavior_logprobs_do_not_propagate(self):
        lp = torch.tensor([math.nan, -2.0, -0.5, math.inf, -1.5], requires_grad=True)
        beh = torch.tensor([math.nan, -2.0, -0.5, -math.inf, -1.5])
        for cfg in (PROX, parse_config({'old_logp': 'behavior'})):
            lp.grad = None
            out = self._loss(lp, lp.detach(), beh, cfg=cfg, correct=True)
            out.loss.backward()
            self.assertTrue(math.isfinite(float(out.loss)) and torch.isfinite(lp.grad).all())

    def test_clip_kills_gradient(self):
        """§9.20: r > 1+ε_hi with A > 0 and r < 1−ε_lo with A < 0 get zero gradient and are counted."""
        valid = torch.ones(3, dtype=torch.bool)
        old = torch.zeros(3)
        lp = torch.log(torch.tensor([1.5, 1.1, 0.5])).requires_grad_()
        out = row_loss(lp, old, torch.full((3,), math.nan), 1.0, valid, 1.0, PROX)
        out.loss.backward()
        self.assertEqual(float(lp.grad[0]), 0.0)
        self.assertNotEqual(float(lp.grad[1]), 0.0)
        self.assertEqual((out.clipped_high, out.clipped_low), (1, 0))
        lp.grad = None
        out = row_loss(lp, old, torch.full((3,), math.nan), -1.0, valid, 1.0, PROX)
        out.loss.backward()
        self.assertEqual(float(lp.grad[2]), 0.0)
        self.assertEqual((out.clipped_high, out.clipped_low), (0, 1))

    def test_dual_clip_bounds_negative_advantage(self):
        valid = torch.ones(1, dtype=torch.bool)
        lp = torch.log(torch.tensor([5.0])).requires_grad_()
        out = row_loss(lp, torch.zeros(1), torch.full((1,), math.nan), -1.0, valid, 1.0, parse_config({'dual_clip': 3.0}))
        out.loss.backward()
        self.assertAlmostEqual(float(out.loss), 3.0, places=5)
        self.assertEqual(float(lp.grad[0]), 0.0)

    def test_importance_weight_is_stop_grad_and_capped(self):
        """§9.24: w_t ≤ C_IS and carries no gradient; rows that are not behaviour-complete get w = 1."""
        valid = torch.ones(2, dtype=torch.bool)
        lp = torch.tensor([-1.0, -1.0], requires_grad=True)
        old = torch.tensor([-1.0, -1.0])
        beh = torch.tensor([-5.0, -1.0])  # exp(4) ≫ C_IS for token 0, w = 1 for token 1
        out = row_loss(lp, old, beh, 1.0, valid, 1.0, PROX, correct=True)
        out.loss.backward()
        self.assertTrue(torch.allclose(lp.grad, torch.tensor([-2.0, -1.0])))  # −w·A·r'(=1)
        lp.grad = None
        row_loss(lp, old, beh, 1.0, valid, 1.0, PROX, correct=False).loss.backward()
        self.assertTrue(torch.allclose(lp.grad, torch.tensor([-1.0, -1.0])))

    def test_kl_zero_at_reference_and_positive_elsewhere(self):
        cfg = parse_config({'beta': 0.1, 'old_logp': 'current'})
        valid = torch.ones(2, dtype=torch.bool)
        lp = torch.tensor([-1.0, -2.0], requires_grad=True)
        same = row_loss(lp, None, torch.full((2,), math.nan), 0.0, valid, 1.0, cfg, ref=lp.detach())
        self.assertEqual(same.kl_sum, 0.0)
        other = row_loss(lp, None, torch.full((2,), math.nan), 0.0, valid, 1.0, cfg, ref=lp.detach() - 0.5)
        self.assertGreater(other.kl_sum, 0.0)
        self.assertAlmostEqual(float(other.loss), 0.1 * other.kl_sum, places=6)


def mkrow(traj, n):
    return Row(input_ids=[1] * (n + 1), loss_mask=[0] + [1] * n, traj=traj)


class TestAggregation(unittest.TestCase):
    def _loss(self, rows, lam, agg):
        cs, _, _ = row_constants(rows, parse_config({'aggregation': agg}))
        return sum(c * sum(v) for c, v in zip(cs, lam))

    def test_token_mean_invariant_to_row_split(self):
        """§9.22: splitting trajectory 0's row in two leaves token_mean and traj_mean unchanged."""
        lam0, lam1 = [0.3, -0.2, 0.5, 0.1], [1.0, -1.0]
        whole = [mkrow(0, 4), mkrow(1, 2)]
        split = [mkrow(0, 1), mkrow(0, 3), mkrow(1, 2)]
        for agg in ('token_mean', 'traj_mean', 'token_sum_norm'):
            a = self._loss(whole, [lam0, lam1], agg)
            b = self._loss(split, [lam0[:1], lam0[1:], lam1], agg)
            self.assertAlmostEqual(a, b, places=12)

    def test_seq_mean_equal_weight_per_trajectory(self):
        rows = [mkrow(0, 1), mkrow(0, 7), mkrow(1, 2)]
        cs, n, n_traj = row_constants(rows, parse_config({'aggregation': 'traj_mean'}))
        self.assertEqual((n, n_traj), (10, 2))
        self.assertAlmostEqual(cs[0] * 1 + cs[1] * 7, 0.5)
        self.assertAlmostEqual(cs[2] * 2, 0.5)
        cs, _, _ = row_constants(rows, parse_config({'aggregation': 'token_sum_norm', 'l_norm': 100.0}))
        self.assertAlmostEqual(cs[0], 1 / 200)


class TestGeometricMask(unittest.TestCase):
    def test_rows_outside_band_removed_and_abort_above_threshold(self):
        """§9.24 / E19."""
        pre = {'geo': [1.0, 1.005, None, 0.9, 1.0, 1.0, 1.0], 'old': [], 'ref': None}
        masked, diag = geo_mask(pre, PROX)
        self.assertEqual(masked, {3})
        self.assertEqual(diag['behaviour_complete_rows'], 6)
        pre['geo'][4] = 1.2
        with self.assertRaises(PipelineMismatch):
            geo_mask(pre, PROX)

    def test_removed_row_leaves_numerator_and_denominator(self):
        from harnessx_trainer.prepare import TrainGroup
        from harnessx_trainer.step import plan_steps

        rows = [mkrow(0, 4), mkrow(1, 2)]
        for r in rows:
            r.group = 0
        plans = plan_steps([TrainGroup('g', 0, rows)], rows, {0}, PROX)
        self.assertEqual((plans[0].rows, plans[0].n_tokens, plans[0].c), ([1], 2, [0.5]))


if __name__ == '__main__':
    unittest.main()
