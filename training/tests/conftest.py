"""Lets `pytest training/tests` work from the repository root as well as from training/."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
