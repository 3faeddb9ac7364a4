import unittest

from harnessx_trainer.config import parse_config
from harnessx_trainer.errors import ConfigError


class TestConfig(unittest.TestCase):
    def test_defaults_follow_spec_section_6(self):
        c = parse_config({})
        self.assertEqual((c.eps_lo, c.eps_hi, c.tis_cap, c.geo_lo, c.geo_hi), (0.2, 0.28, 2.0, 0.99, 1.01))
        self.assertEqual((c.aggregation, c.old_logp, c.beta, c.l_norm), ('token_mean', 'proximal', 0.0, 8192.0))
        self.assertEqual((c.lora_r, c.lora_alpha, c.lr, c.betas, c.grad_clip), (16, 32, 1e-5, [0.9, 0.99], 1.0))
        self.assertEqual((c.min_group_size, c.zero_spread_tol, c.eps, c.ddof), (2, 1e-6, 1e-4, 0))

    def test_unknown_key_fails_with_one_line(self):
        with self.assertRaises(ConfigError) as ctx:
            parse_config({'learning_rate': 1e-4, 'lr': 1e-4})
        self.assertIn('learning_rate', str(ctx.exception))
        self.assertNotIn('\n', str(ctx.exception))

    def test_bad_values_fail(self):
        for bad in ({'aggregation': 'mean'}, {'lr': 'fast'}, {'lr': -1.0}, {'epochs': 2, 'old_logp': 'current'},
                    {'betas': [0.9]}, {'min_group_size': 1}, {'mask_truncated_calls': 1}, {'dual_clip': 0.5}):  # fmt: skip
            with self.subTest(bad), self.assertRaises(ConfigError):
                parse_config(bad)
        with self.assertRaises(ConfigError):
            parse_config(['lr'])

    def test_ints_accepted_for_floats(self):
        self.assertEqual(parse_config({'lr': 1, 'dual_clip': 3}).lr, 1.0)


if __name__ == '__main__':
    unittest.main()
