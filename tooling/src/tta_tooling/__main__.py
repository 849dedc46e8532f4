"""``python -m tta_tooling``."""

import sys

from tta_tooling.cli import main

sys.exit(main())
