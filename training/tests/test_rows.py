import math
import unittest
from collections import Counter

from harnessx_trainer.config import parse_config
from harnessx_trainer.errors import PipelineMismatch
from harnessx_trainer.rows import check_template_skips, message_rows, token_rows, trajectory_rows
from harnessx_trainer.tiny import CharTokenizer, ToyChatTemplate
from helpers import call, message_traj, tokens

CFG = parse_config({'max_seq_len': 4096})


def tcall(cid, prompt, comp, ext=None, trainable=True, lps=None, **kw):
    return call(cid, [], 'x', extends=ext, trainable=trainable, tok=tokens(prompt, comp, extends=ext, logprobs=lps), **kw)


class TestRows(unittest.TestCase):
    """§9.14 token mode."""

    def test_merged_row_is_concatenation_and_mask_marks_completions(self):
        calls = [tcall('c0', [1, 2, 3], [10, 11]), tcall('c1', [4, 5], [12, 13, 14], ext='c0')]
        rows = token_rows(calls, CFG, Counter(), 'w')
        self.assertEqual(len(rows), 1)
        r = rows[0]
        self.assertEqual(r.input_ids, [1, 2, 3, 10, 11, 4, 5, 12, 13, 14])
        self.assertEqual(r.loss_mask, [0, 0, 0, 1, 1, 0, 0, 1, 1, 1])

    def test_broken_prefix_starts_new_row_and_every_completion_token_once(self):
        calls = [tcall('c0', [1, 2, 3], [10, 11]), tcall('c1', [1, 9, 9], [12, 13])]  # harness rewrote context
        rows = token_rows(calls, CFG, Counter(), 'w')
        self.assertEqual([r.input_ids for r in rows], [[1, 2, 3, 10, 11], [1, 9, 9, 12, 13]])
        trained = [t for r in rows for t, m in zip(r.input_ids, r.loss_mask) if m]
        self.assertEqual(trained, [10, 11, 12, 13])

    def test_untrainable_call_is_context(self):
        """E7."""
        calls = [tcall('c0', [1, 2], [10]), tcall('c1', [3], [20, 21], ext='c0', trainable=False),
                 tcall('c2', [4], [30], ext='c1')]  # fmt: skip
        r = token_rows(calls, CFG, Counter(), 'w')[0]
        self.assertEqual(r.input_ids, [1, 2, 10, 3, 20, 21, 4, 30])
        self.assertEqual(r.loss_mask, [0, 0, 1, 0, 0, 0, 0, 1])

    def test_position_zero_never_trained(self):
        r = token_rows([tcall('c0', [], [10, 11, 12])], CFG, Counter(), 'w')[0]
        self.assertEqual(r.loss_mask, [0, 1, 1])

    def test_call_too_long_skipped_never_truncated(self):
        """E13."""
        st = Counter()
        cfg = parse_config({'max_seq_len': 6})
        calls = [tcall('c0', [1, 2], [10, 11]), tcall('c1', [3, 4], [12, 13], ext='c0'), tcall('c2', [1, 7], [14])]
        rows = token_rows(calls, cfg, st, 'w')
        self.assertEqual(st['call_too_long'], 1)
        self.assertEqual([r.input_ids for r in rows], [[1, 2, 10, 11], [1, 7, 14]])

    def test_length_finish_kept_unless_masked(self):
        """E14."""
        calls = [tcall('c0', [1, 2], [10, 11], finish='length')]
        self.assertEqual(token_rows(calls, CFG, Counter(), 'w')[0].loss_mask, [0, 0, 1, 1])
        cfg = parse_config({'mask_truncated_calls': True})
        self.assertEqual(token_rows(calls, cfg, Counter(), 'w'), [])

    def test_behaviour_logprobs_and_temperature(self):
        """E10 and the per-call temperature (E15: greedy trains at T = 1)."""
        calls = [tcall('c0', [1], [10, 11], lps=[-0.1, -0.2], temperature=0.7)]
        r = token_rows(calls, CFG, Counter(), 'w')[0]
        self.assertEqual(r.beh[1:], [-0.1, -0.2])
        self.assertTrue(r.behaviour_complete)
        self.assertEqual(r.temp[1:], [0.7, 0.7])
        raw = [tcall('c0', [1], [10], lps=[-0.1], temperature=0.7)]
        raw[0]['tokens']['logprobs_mode'] = 'raw'
        r = token_rows(raw, CFG, Counter(), 'w')[0]
        self.assertTrue(math.isnan(r.beh[1]))
        self.assertFalse(r.behaviour_complete)
        topp = [tcall('c0', [1], [10], lps=[-0.1], temperature=0.0)]
        topp[0]['sampling']['top_p'] = 0.9
        r = token_rows(topp, CFG, Counter(), 'w')[0]
        self.assertFalse(r.behaviour_complete)
        self.assertEqual(r.temp[1], 1.0)

    def test_mixed_tokens_fall_back_to_message_mode(self):
        """E9."""
        t = message_traj('t:1', 1.0, ['done'])
        t['calls'][0]['tokens'] = tokens([1, 2], [3])
        st = Counter()
        rows = trajectory_rows(t, CFG, st, ToyChatTemplate(), CharTokenizer(), 'w')
        self.assertEqual(st['mixed_tokens_message_mode'], 1)
        self.assertTrue(rows and not rows[0].token_mode)
        self.assertTrue(all(math.isnan(b) for b in rows[0].beh))


class TestMessageMode(unittest.TestCase):
    """§9.15 with the toy template test double."""

    def setUp(self):
        self.tpl, self.tok = ToyChatTemplate(), CharTokenizer()
        self.traj = message_traj('t:1', 1.0, ['The fix is X', 'All green'])

    def _decode(self, row, full_text):
        ids, offs = self.tok.encode_with_offsets(full_text)
        self.assertEqual(ids, row.input_ids)
        segs, cur = [], ''
        for (s, e), m in zip(offs, row.loss_mask):
            if m:
                cur += full_text[s:e]
            elif cur:
                segs.append(cur)
                cur = ''
        return segs + ([cur] if cur else [])

    def test_masked_tokens_decode_to_assistant_outputs_through_end_of_turn(self):
        calls = self.traj['calls']
        rows = message_rows(calls, self.traj['tools'], self.tpl, self.tok, CFG, Counter())
        self.assertEqual(len(rows), 1)  # prefix-preserving template: one merged row
        from harnessx_trainer.rows import expand_messages

        msgs = expand_messages(calls)['c2'] + [calls[2]['response']]
        text = self.tpl.render(msgs, self.traj['tools'], False, {})
        segs = self._decode(rows[0], text)
        self.assertEqual(segs[1:], ['The fix is X<|im_end|>', 'All green<|im_end|>'])
        self.assertTrue(segs[0].startswith('<tool_call>') and segs[0].endswith('</tool_call><|im_end|>'))
        self.assertNotIn('result', ''.join(segs))  # tool results, user text and headers never trained
        self.assertNotIn('<|im_start|>', ''.join(segs))

    def test_length_finish_stops_before_end_of_turn(self):
        self.traj['calls'][2]['finish_reason'] = 'length'
        rows = message_rows(self.traj['calls'], self.traj['tools'], self.tpl, self.tok, CFG, Counter())
        from harnessx_trainer.rows import expand_messages

        msgs = expand_messages(self.traj['calls'])['c2'] + [self.traj['calls'][2]['response']]
        segs = self._decode(rows[0], self.tpl.render(msgs, self.traj['tools'], False, {}))
        self.assertEqual(segs[-1], 'All green')

    def test_not_prefix_preserving_template_skips_and_threshold_fails(self):
        """E11: a template that rewrites earlier turns breaks merging: the call is skipped, then the job fails."""
        tpl = ToyChatTemplate(prefix_preserving=False)
        st = Counter()
        rows = message_rows(self.traj['calls'], self.traj['tools'], tpl, self.tok, CFG, st)
        self.assertGreater(len(rows), 1)  # merging broke: new rows
        self.assertEqual(st['template_not_prefix_preserving'], 0)  # each call's own P/F still nest
        st = Counter({'calls': 10, 'template_not_prefix_preserving': 1})
        with self.assertRaisesRegex(PipelineMismatch, 'toy-chatml'):
            check_template_skips(st, CFG, tpl)

    def test_f_not_extending_p_skips_call(self):
        class Bad(ToyChatTemplate):
            def render(self, messages, tools, add_generation_prompt, kwargs):
                return super().render(messages, tools, add_generation_prompt, kwargs) + ('X' if add_generation_prompt else '')

        st = Counter()
        rows = message_rows(self.traj['calls'], self.traj['tools'], Bad(), self.tok, CFG, st)
        self.assertEqual((st['template_not_prefix_preserving'], rows), (3, []))

    def test_token_straddling_span_skips_call(self):
        """E12: a tokenizer that merges the last answer char with the end-of-turn marker."""

        class Pairs(CharTokenizer):
            def encode_with_offsets(self, text):
                ids, offs = super().encode_with_offsets(text)
                out_i, out_o, i = [], [], 0
                while i < len(ids):
                    if i + 1 < len(ids) and text[offs[i][0]:offs[i][1]] == 'n' and ids[i + 1] == 2:
                        out_i.append(99)
                        out_o.append((offs[i][0], offs[i + 1][1]))
                        i += 2
                    else:
                        out_i.append(ids[i])
                        out_o.append(offs[i])
                        i += 1
                return out_i, out_o

        st = Counter()
        rows = message_rows(self.traj['calls'], self.traj['tools'], self.tpl, Pairs(), CFG, st)
        self.assertEqual(st['token_straddles_span'], 0)  # 'n<|im_end|>' lies inside the trained span
        self.traj['calls'][2]['finish_reason'] = 'length'  # now the span ends between 'n' and <|im_end|>
        rows = message_rows(self.traj['calls'], self.traj['tools'], self.tpl, Pairs(), CFG, st)
        self.assertEqual(st['token_straddles_span'], 1)
        self.assertEqual(len(rows), 1)
        trained = [t for t, m in zip(rows[0].input_ids, rows[0].loss_mask) if m]
        self.assertEqual(trained[-2:], [ord('X'), 2])  # c2 ('All green') is skipped, earlier calls stay


if __name__ == '__main__':
    unittest.main()
