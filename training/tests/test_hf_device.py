"""Spec §9.25–26: the transformers + peft glue on a tiny Qwen2 built from a config (no Hub, no weights).

These run where transformers, peft, safetensors and tokenizers are importable: the SageMaker Hugging Face
DLC or a device machine (CUDA when present, else CPU). Elsewhere they are skipped with that reason: the
torch-only core is covered by the other tests.
"""

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import torch

NEEDED = ('transformers', 'peft', 'safetensors', 'tokenizers')
MISSING = [name for name in NEEDED if importlib.util.find_spec(name) is None]
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIX = os.path.join(ROOT, 'tests', 'fixtures', 'xgrpo-small')
# fp32, eager attention, no checkpointing: exact comparisons on a model this small.
KNOBS = {'dtype': 'float32', 'attn_implementation': 'eager', 'gradient_checkpointing': False,
         'lora_r': 4, 'lora_alpha': 8, 'max_seq_len': 512, 'groups_per_step': 2, 'lr': 0.01, 'seed': 7}  # fmt: skip
CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|>{{ m['content'] or '' }}"
    "{% if m.get('tool_calls') %}{% for c in m['tool_calls'] %}{{ c['function']['name'] }}"
    "{{ c['function']['arguments'] }}{% endfor %}{% endif %}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def build_tiny_qwen2(directory: str) -> None:
    """A randomly initialised two-layer Qwen2 and a character-level fast tokenizer with a chat template."""
    import transformers
    from tokenizers import Regex, Tokenizer, models, pre_tokenizers

    chars = [chr(i) for i in range(32, 127)] + ['\n']
    vocab = {'<unk>': 0, '<|im_end|>': 1, **{c: i + 2 for i, c in enumerate(chars)}}
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token='<unk>'))
    core.pre_tokenizer = pre_tokenizers.Split(Regex('(?s).'), behavior='isolated')
    core.add_special_tokens(['<|im_end|>'])
    tok = transformers.PreTrainedTokenizerFast(tokenizer_object=core, unk_token='<unk>', eos_token='<|im_end|>')
    tok.chat_template = CHAT_TEMPLATE
    torch.manual_seed(0)
    config = transformers.Qwen2Config(
        vocab_size=512, hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=1024, tie_word_embeddings=False,
    )  # fmt: skip
    transformers.AutoModelForCausalLM.from_config(config).save_pretrained(directory, safe_serialization=True)
    tok.save_pretrained(directory)


@unittest.skipIf(MISSING, f'needs {", ".join(MISSING)} (the job image or a device machine has them)')
class TestHFGlue(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp()
        cls.model_dir = os.path.join(cls.dir, 'base')
        build_tiny_qwen2(cls.model_dir)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def load(self, adapter=None):
        from harnessx_trainer.config import parse_config
        from harnessx_trainer.hf_glue import load_hf_policy

        return load_hf_policy(self.model_dir, adapter, parse_config(dict(KNOBS)))[0]

    def test_lora_trains_only_the_adapter_and_reloads_identically(self):
        """§9.25."""
        policy = self.load()
        trainable = [n for n, p in policy.peft.named_parameters() if p.requires_grad]
        self.assertTrue(trainable)
        self.assertTrue(all('lora_' in n for n in trainable), trainable)
        base_before = {n: p.detach().clone() for n, p in policy.peft.named_parameters() if not p.requires_grad}
        lora_before = {n: p.detach().clone() for n, p in policy.peft.named_parameters() if p.requires_grad}
        ids = torch.randint(2, 90, (1, 24), generator=torch.Generator().manual_seed(3))
        optimizer = torch.optim.AdamW(policy.trainable_parameters(), lr=1e-2)
        policy.set_train(True)
        logp = torch.log_softmax(policy.logits(ids)[0, :-1].float(), dim=-1)
        loss = -logp.gather(1, ids[0, 1:, None].to(logp.device)).mean()
        loss.backward()
        optimizer.step()
        for name, param in policy.peft.named_parameters():
            if name in base_before:
                self.assertTrue(torch.equal(param.detach(), base_before[name]), f'{name} changed')
        self.assertTrue(any(not torch.equal(p.detach(), lora_before[n])
                            for n, p in policy.peft.named_parameters() if p.requires_grad))  # fmt: skip
        policy.set_train(False)
        with torch.no_grad():
            expected = torch.log_softmax(policy.logits(ids).float(), dim=-1)
        adapter_dir = os.path.join(self.dir, 'adapter')
        policy.save_adapter(adapter_dir)
        reloaded = self.load(adapter_dir)
        reloaded.set_train(False)
        with torch.no_grad():
            actual = torch.log_softmax(reloaded.logits(ids).float(), dim=-1)
        self.assertTrue(torch.allclose(actual, expected, atol=1e-5, rtol=0))

    def run_job(self, train_dir, out):
        hp_path = os.path.join(self.dir, 'hyperparameters.json')
        with open(hp_path, 'w', encoding='utf-8') as f:
            json.dump({'config': json.dumps(json.dumps(KNOBS)), 'model_backend': json.dumps('hf')}, f)
        env = {k: v for k, v in os.environ.items() if not k.startswith('SM_')}
        env.update(SM_CHANNEL_TRAIN=train_dir, SM_CHANNEL_MODEL=self.model_dir, SM_MODEL_DIR=out,
                   HX_CHECKPOINT_DIR=os.path.join(out, '..', os.path.basename(out) + '-ckpt'),
                   HX_HYPERPARAMETERS_PATH=hp_path)  # fmt: skip
        return subprocess.run([sys.executable, os.path.join(ROOT, 'train.py')], cwd=self.dir, env=env,
                              capture_output=True, text=True, timeout=600)  # fmt: skip

    def test_job_end_to_end_writes_an_adapter_and_fails_fast_on_nothing_to_learn(self):
        """§9.26."""
        from helpers import group, message_traj, token_traj, write_dataset

        out = os.path.join(self.dir, 'job')
        done = self.run_job(FIX, out)
        self.assertEqual(done.returncode, 0, done.stderr[-2000:])
        self.assertTrue(os.path.isfile(os.path.join(out, 'adapter_model.safetensors')))
        report = json.load(open(os.path.join(out, 'report.json'), encoding='utf-8'))
        manifest = json.load(open(os.path.join(FIX, 'manifest.json'), encoding='utf-8'))
        self.assertEqual(report['dataset']['manifest_groups_kept'], manifest['counts']['groups_kept'])
        degenerate = os.path.join(self.dir, 'degenerate')
        write_dataset(degenerate, [
            group('a', [token_traj('t:1', 1.0, [1, 5, 6], [[7]]), token_traj('t:2', 1.0, [1, 5, 6], [[8]])]),
            group('b', [message_traj('t:3', 0.0, ['x']), message_traj('t:4', 0.0, ['y'])]),
        ])  # fmt: skip
        failed = self.run_job(degenerate, os.path.join(self.dir, 'job-degenerate'))
        self.assertNotEqual(failed.returncode, 0)
        self.assertIn('E16', failed.stderr.strip().splitlines()[-1])


if __name__ == '__main__':
    unittest.main()
