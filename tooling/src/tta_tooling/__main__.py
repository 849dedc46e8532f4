"""``python -m tta_tooling``: the ``tta-tooling`` entry point (:mod:`tta_tooling.startup`)."""

import sys

from tta_tooling.startup import main

sys.exit(main())
