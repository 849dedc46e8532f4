"""The secrets gate: detect-secrets over every tracked file and every artifact the gates
write, plus a detector for values stored under the sensitive names the API recorder
redacts (the list is shared with it). Findings name file, line and detector, never the
value; audited false positives live in detect-secrets' baseline format.
"""

from tta_tooling.secrets.baseline import Baseline, load_baseline
from tta_tooling.secrets.config import SecretsConfig, load_config
from tta_tooling.secrets.detection import Detection
from tta_tooling.secrets.files import files_to_scan
from tta_tooling.secrets.names import SensitiveNames, load_names
from tta_tooling.secrets.scanner import ScanResult, scan
from tta_tooling.secrets.structured import sensitive_values

__all__ = [
    "Baseline",
    "Detection",
    "ScanResult",
    "SecretsConfig",
    "SensitiveNames",
    "files_to_scan",
    "load_baseline",
    "load_config",
    "load_names",
    "scan",
    "sensitive_values",
]
