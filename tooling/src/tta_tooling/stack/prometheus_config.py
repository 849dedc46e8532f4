"""The Prometheus configuration for a native run, generated from monitoring/prometheus.yml.

The checked-in file is written for the compose network (Prometheus scrapes itself
on ``localhost:9090`` and tta-api on ``host.docker.internal:8000``). A native
Prometheus listens on a port of its own and reaches tta-api on the loopback
interface, so the native backend writes a copy with those two targets and with
absolute rule file paths.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from tta_process_support.input_files import read_input

from tta_tooling.errors import InputError
from tta_tooling.stack.ports import HOST

SELF_JOB = "prometheus"
APP_JOB = "tta-api"


def native_config(source: Path, *, prometheus_port: int, app_port: int) -> str:
    """The YAML text of ``source`` retargeted at the loopback ports given."""
    try:
        config: Any = yaml.safe_load(read_input(source))
    except yaml.YAMLError as error:
        raise InputError(source, f"not YAML: {error}") from error
    if not isinstance(config, dict) or not isinstance(config.get("scrape_configs"), list):
        raise InputError(source, "scrape_configs: missing or not a list")
    targets = {SELF_JOB: prometheus_port, APP_JOB: app_port}
    seen = set()
    for job in config["scrape_configs"]:
        name = job.get("job_name") if isinstance(job, dict) else None
        if name in targets:
            job["static_configs"] = [{"targets": [f"{HOST}:{targets[name]}"]}]
            seen.add(name)
    if missing := sorted(set(targets) - seen):
        raise InputError(source, f"scrape_configs: no job named {', '.join(missing)}")
    rule_files = config.get("rule_files") or []
    config["rule_files"] = [str(source.parent / pattern) for pattern in rule_files]
    return yaml.safe_dump(config, sort_keys=False)
