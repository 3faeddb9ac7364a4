"""SageMaker script-mode entry (spec §8): env + hyperparameters.json → validated run → /opt/ml/model.

Exit codes: 0 success; TrainerError.exit_code (≥ 1) with a one-line reason on stderr for every abort rule.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import traceback

from .config import TrainConfig, parse_config
from .errors import ConfigError, TrainerError

HYPERPARAMETERS = '/opt/ml/input/config/hyperparameters.json'
ALLOWED_HPS = {'config', 'model_backend'}
REPORT_SCHEMA = 'harnessx.xgrpo.report/1'


def read_hyperparameters(path: str) -> dict:
    """SageMaker JSON-encodes every value; a raw API caller may not, so undecodable strings stay as is."""
    if not os.path.isfile(path):
        return {}
    try:
        raw = json.load(open(path, encoding='utf-8'))
    except ValueError as e:
        raise ConfigError(f'{path}: not valid JSON ({e})') from None
    if not isinstance(raw, dict):
        raise ConfigError(f'{path}: must be a JSON object')
    out = {}
    for k, v in raw.items():
        if isinstance(v, str):
            try:
                v = json.loads(v)
            except ValueError:
                pass
        out[k] = v
    unknown = sorted(k for k in out if k not in ALLOWED_HPS and not k.startswith('sagemaker_'))
    if unknown:
        raise ConfigError(f'unknown hyperparameter(s): {", ".join(unknown)} (allowed: config, model_backend)')
    return out


def config_from(hps: dict, cli_config: str | None) -> TrainConfig:
    raw = hps.get('config', cli_config)
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError as e:
            raise ConfigError(f'the config hyperparameter is not a JSON object ({e})') from None
    return parse_config(raw)


def _load_backend(backend: str, cfg: TrainConfig, model_dir: str | None, init_adapter: str | None):
    if backend == 'tiny':
        from .tiny import CharTokenizer, TinyCausalLM, ToyChatTemplate

        model = TinyCausalLM(r=cfg.lora_r, alpha=float(cfg.lora_alpha), seed=cfg.seed,
                             max_positions=min(cfg.max_seq_len, 8192))  # fmt: skip
        if init_adapter:
            model.load_adapter(init_adapter)
        return model, ToyChatTemplate(), CharTokenizer(model.vocab_size)
    if backend == 'hf':
        from .hf_glue import load_hf_policy

        if not model_dir:
            raise ConfigError('SM_CHANNEL_MODEL is not set: the hf backend reads base weights from the model channel')
        return load_hf_policy(model_dir, init_adapter, cfg)
    raise ConfigError(f'model backend must be tiny or hf, got {backend!r}')


def run(argv: list[str] | None = None, env: dict | None = None) -> int:
    env = dict(os.environ) if env is None else env
    parser = argparse.ArgumentParser(description='HarnessX cross-harness GRPO trainer')
    parser.add_argument('--model-backend', '--model_backend', dest='backend', default=None)
    parser.add_argument('--config', dest='config', default=None)
    args, _ = parser.parse_known_args(argv)  # SageMaker also passes every hyperparameter as --key value
    os.environ['HF_HUB_OFFLINE'] = '1'
    hps = read_hyperparameters(env.get('HX_HYPERPARAMETERS_PATH', HYPERPARAMETERS))
    cfg = config_from(hps, args.config)
    backend = args.backend or hps.get('model_backend') or 'hf'
    train_dir = env.get('SM_CHANNEL_TRAIN')
    if not train_dir:
        raise ConfigError('SM_CHANNEL_TRAIN is not set: the train channel holds dataset.jsonl + manifest.json')
    out_dir = env.get('SM_MODEL_DIR', '/opt/ml/model')
    ckpt_dir = env.get('HX_CHECKPOINT_DIR', '/opt/ml/checkpoints')

    import torch

    from .dataset import load_dataset
    from .loop import METRICS, train
    from .prepare import prepare

    ds = load_dataset(train_dir)
    model, template, tok = _load_backend(backend, cfg, env.get('SM_CHANNEL_MODEL'), env.get('SM_CHANNEL_INIT_ADAPTER'))
    prepared = prepare(ds, cfg, template, tok, vocab_size=model.vocab_size)
    print(
        f'dataset groups={prepared.report["groups_kept"]}/{prepared.report["groups_in"]} '
        f'rows={prepared.report["rows"]} trainable_tokens={prepared.report["trainable_tokens"]}',
        flush=True,
    )
    device = 'cuda' if backend == 'hf' and torch.cuda.is_available() else 'cpu'
    summary = train(model, prepared, cfg, ckpt_dir, log=lambda s: print(s, flush=True), device=device)
    os.makedirs(out_dir, exist_ok=True)
    files = model.save_adapter(out_dir)
    metrics_src = os.path.join(ckpt_dir, METRICS)
    if os.path.isfile(metrics_src):
        shutil.copyfile(metrics_src, os.path.join(out_dir, METRICS))
    report = {
        'schema': REPORT_SCHEMA, 'backend': backend, 'seed': cfg.seed, 'config': cfg.to_dict(),
        'dataset': prepared.report, 'training': summary, 'adapter_files': files,
        'torch_version': torch.__version__,
    }  # fmt: skip
    with open(os.path.join(out_dir, 'report.json'), 'w', encoding='utf-8') as f:
        json.dump(report, f, indent=2, sort_keys=True, default=str)
    print(f'done steps={summary["steps_done"]} adapter={",".join(files)}', flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    try:
        return run(argv)
    except TrainerError as e:
        print(e.one_line(), file=sys.stderr, flush=True)
        return e.exit_code
    except Exception as e:  # noqa: BLE001 — the job must end with one clear line, not only a traceback
        traceback.print_exc()
        print(f'{type(e).__name__}: {str(e).splitlines()[0] if str(e) else ""}', file=sys.stderr, flush=True)
        return 1
