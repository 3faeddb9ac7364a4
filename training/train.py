"""SageMaker `sagemaker_program` entry: `python train.py` in the source directory (see README.md)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from harnessx_trainer.entry import main  # noqa: E402

if __name__ == '__main__':
    sys.exit(main())
