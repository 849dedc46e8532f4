"""A recording stand-in for the docker CLI: appends its argv to $FAKE_DOCKER_LOG (JSON lines).

``version`` answers like an engine; ``compose up`` fails when $FAKE_DOCKER_UP_FAILS is
set; ``compose ps --quiet`` lists two containers whose ``inspect`` reports them healthy
(redis) and starting (prometheus); ``compose logs`` prints a line per service.
"""

import json
import os
import sys

args = sys.argv[1:]
with open(os.environ["FAKE_DOCKER_LOG"], "a", encoding="utf-8") as log:
    log.write(json.dumps(args) + "\n")

CONTAINERS = {"c0ffee01": ("redis", "healthy"), "c0ffee02": ("prometheus", "starting")}

if args[:1] == ["version"]:
    print("27.3.1")
elif args[:1] == ["compose"] and "up" in args and os.environ.get("FAKE_DOCKER_UP_FAILS"):
    print("container tta-stack-prometheus-1 is unhealthy", file=sys.stderr)
    sys.exit(1)
elif args[:1] == ["compose"] and "ps" in args:
    print("\n".join(CONTAINERS))
elif args[:1] == ["compose"] and "logs" in args:
    print("redis-1  | Ready to accept connections")
    print("prometheus-1  | Server is ready to receive web requests.")
elif args[:2] == ["container", "inspect"]:
    inspected = [
        {
            "Id": ident,
            "Name": f"/tta-stack-{service}-1",
            "State": {"Status": "running", "Health": {"Status": health}},
            "Config": {"Labels": {"com.docker.compose.service": service}},
        }
        for ident in args[2:]
        for service, health in [CONTAINERS[ident]]
    ]
    print(json.dumps(inspected))
