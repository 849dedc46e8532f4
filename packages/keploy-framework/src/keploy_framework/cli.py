"""``python -m keploy_framework.cli record | test | report | gate``.

``gate`` is ``test`` and ``report`` in one process (:func:`keploy_framework.gate.run`):
a fresh app, one replay, one verdict, each report written once.

Exit codes: 0 pass, 1 the replay or the coverage found a problem (or the app
never became healthy), 2 bad usage or unreadable input (one line naming the file
and the field). Input files over ``TTA_MAX_INPUT_BYTES`` (default 10 MiB) are refused
before they are parsed.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from tta_process_support.arguments import tcp_port
from tta_process_support.atomic import describe_os_error

from keploy_framework.child_lifetime import signals_interrupt
from keploy_framework.errors import AppError, CaseWriterError, EngineUnavailable, InputError

if TYPE_CHECKING:
    from keploy_framework.config import Config
    from keploy_framework.replay import SetResult

# Each command imports its own machinery when it runs (the recorder aiohttp and uvicorn,
# the replayer and the reports httpx, the configuration jsonschema): --help and usage
# errors import none of it, and no command imports another's.
__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message}\n")


def _seconds(*, zero: bool) -> Callable[[str], float]:
    """An argparse type: a finite number of seconds, above 0 (or 0 too when ``zero``)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        low_ok = value >= 0 if zero else value > 0
        if not low_ok or not math.isfinite(value):
            bound = ">= 0" if zero else "above 0"
            raise argparse.ArgumentTypeError(f"expected finite seconds {bound}, got {text!r}")
        return value

    return parse


def _directory(text: str) -> Path:
    """An argparse type: a path that is a directory or does not exist yet."""
    path = Path(text)
    if path.exists() and not path.is_dir():
        raise argparse.ArgumentTypeError(f"{text}: not a directory")
    return path


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="keploy_framework",
        description=__doc__.splitlines()[0],
        epilog="Input files (config, test cases, mocks, reports, OpenAPI) larger than "
        "TTA_MAX_INPUT_BYTES bytes (default 10 MiB) are refused, exit 2.",
    )
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    rec = commands.add_parser("record", help="record API traffic through a reverse proxy")
    rec.add_argument("--app-cmd", help="command that starts the app (omit if it is running)")
    rec.add_argument("--app-port", type=tcp_port, required=True, help="port the app listens on")
    rec.add_argument("--app-host", default="127.0.0.1")
    rec.add_argument("--port", type=tcp_port, default=8000, help="port the recording proxy serves")
    rec.add_argument("--test-dir", type=_directory, required=True)
    rec.add_argument("--config", type=Path)
    rec.add_argument("--duration", type=_seconds(zero=False), help="stop after this many seconds")
    rec.add_argument("--denoise", action="store_true", help="repeat idempotent requests once")
    rec.add_argument("--dedup", action="store_true", help="one case per request/response kind")

    test = commands.add_parser("test", help="replay recorded test sets and judge the responses")
    test.add_argument("--replay", action="store_true", help="replay mode (the only test mode)")
    test.add_argument("--test-dir", type=_directory, required=True)
    test.add_argument("--config", type=Path)
    target = test.add_mutually_exclusive_group()
    target.add_argument("--app-cmd", help="command that starts the app for the run")
    target.add_argument("--base-url", help="replay against an app that is already running")
    test.add_argument(
        "--app-port",
        type=tcp_port,
        help="port --app-cmd listens on (default: config ports[0], 8000)",
    )
    test.add_argument(
        "--delay", type=_seconds(zero=True), help="seconds to wait after the app is healthy"
    )
    test.add_argument(
        "--test-sets", nargs="+", help="only these test sets (names, or comma-separated)"
    )
    test.add_argument("--engine", choices=("auto", "python", "keploy"), default="auto")
    test.add_argument("--reports-dir", type=Path, help="default: <test-dir>/reports")
    test.add_argument("--junit", type=Path, help="default: <run dir>/junit.xml")

    rep = commands.add_parser("report", help="pass rate and endpoint coverage of the last run")
    rep.add_argument("--output", type=Path, required=True)
    rep.add_argument("--test-dir", type=_directory, default=Path("tests/api"))
    rep.add_argument("--reports-dir", type=Path, help="default: <test-dir>/reports")
    rep.add_argument("--openapi", help="URL of /openapi.json, or a JSON/YAML file")
    rep.add_argument("--html", type=Path, help="default: the output path with .html")
    rep.add_argument("--config", type=Path)

    run = commands.add_parser(
        "gate", help="replay against a fresh app, judge pass rate and endpoint coverage"
    )
    run.add_argument("--test-dir", type=_directory, required=True)
    run.add_argument("--config", type=Path)
    run.add_argument(
        "--reports-dir", type=_directory, required=True, help="replaced by this run's reports"
    )
    app = run.add_mutually_exclusive_group(required=True)
    app.add_argument("--app-cmd", help="command that starts the app; {port} names its port")
    app.add_argument("--base-url", help="judge an app that is already running")
    run.add_argument("--app-port", type=tcp_port, help="port --app-cmd listens on (default: free)")
    run.add_argument("--openapi-path", help="the app's OpenAPI document, e.g. /openapi.json")
    run.add_argument("--test-sets", nargs="+", help="only these test sets")
    return parser


def _record(args: argparse.Namespace) -> int:
    from keploy_framework.config import load_config  # noqa: PLC0415
    from keploy_framework.recorder import record  # noqa: PLC0415 - aiohttp, uvicorn

    summary = record(
        test_dir=args.test_dir,
        port=args.port,
        app_port=args.app_port,
        app_host=args.app_host,
        config=load_config(args.config),
        app_cmd=args.app_cmd,
        duration=args.duration,
        denoise=args.denoise,
        dedup=args.dedup,
    )
    skipped = f", {summary.skipped_duplicates} duplicates skipped" if args.dedup else ""
    print(f"recorded {summary.written} test cases in {summary.test_set}{skipped}")
    return 0


def _verdict(success: int, total: int, threshold: float) -> int:
    from keploy_framework.gate import judge_pass_rate  # noqa: PLC0415

    passed, line = judge_pass_rate(success, total, threshold)
    print(line)
    return 0 if passed else 1


def _test(args: argparse.Namespace) -> int:
    from keploy_framework.config import load_config  # noqa: PLC0415
    from keploy_framework.engine import resolve_engine  # noqa: PLC0415

    config = load_config(args.config)
    # Keploy starts the app itself: against --base-url, auto means this replayer.
    engine, binary = resolve_engine(
        "python" if args.engine == "auto" and not args.app_cmd else args.engine
    )
    if engine == "keploy":
        assert binary is not None
        return _test_keploy(args, config, binary)
    return _test_python(args, config)


def _test_keploy(args: argparse.Namespace, config: Config, binary: str) -> int:
    from keploy_framework.engine import run_keploy  # noqa: PLC0415
    from keploy_framework.reports import read_report  # noqa: PLC0415

    if not args.app_cmd:
        raise InputError("--app-cmd", "the keploy engine starts the app itself; pass --app-cmd")
    delay = config.delay if args.delay is None else args.delay
    paths = run_keploy(
        binary,
        app_cmd=args.app_cmd,
        test_dir=args.test_dir,
        delay=delay,
        test_sets=args.test_sets,
    )
    documents = [read_report(path) for path in paths]
    return _verdict(
        sum(d["success"] for d in documents),
        sum(d["total"] for d in documents),
        config.pass_rate,
    )


def _test_python(args: argparse.Namespace, config: Config) -> int:
    from keploy_framework import app_process, reports, storage  # noqa: PLC0415 - httpx

    storage.list_test_sets(args.test_dir, args.test_sets)  # unreadable input: before the app
    app_port = args.app_port or (config.ports[0] if config.ports else 8000)
    base_url = args.base_url or f"http://127.0.0.1:{app_port}"
    if args.app_cmd:
        with (
            signals_interrupt(),  # SIGTERM and SIGHUP stop the app as Ctrl-C does
            app_process.running_app(
                args.app_cmd, base_url, config.health_path, config.timeout, config.app_environment
            ),
        ):
            results = _replay_python(args, config, base_url)
    else:
        results = _replay_python(args, config, base_url)
    with storage.run_dir_written_whole(args.reports_dir or args.test_dir / "reports") as run_dir:
        for set_result in results:
            reports.write_set_report(run_dir, set_result)
        reports.write_junit(args.junit or run_dir / "junit.xml", results, config.name)
    print(reports.console_table(results))
    print(f"reports: {run_dir}")
    return _verdict(
        sum(r.passed for r in results), sum(len(r.cases) for r in results), config.pass_rate
    )


def _replay_python(args: argparse.Namespace, config: Config, base_url: str) -> list[SetResult]:
    from keploy_framework import replay, storage  # noqa: PLC0415

    paths = storage.list_test_sets(args.test_dir, args.test_sets)
    return replay.replay_when_healthy(
        [storage.read_test_set(path) for path in paths], base_url, config, args.delay
    )


def _report(args: argparse.Namespace) -> int:
    from keploy_framework import coverage, reports, storage, summary  # noqa: PLC0415 - httpx
    from keploy_framework.config import load_config  # noqa: PLC0415

    config = load_config(args.config)
    run_dir = storage.latest_run_dir(args.reports_dir or args.test_dir / "reports")
    documents = [
        (path, reports.read_report(path)) for path in sorted(run_dir.glob("*-report.yaml"))
    ]
    endpoints = None
    if args.openapi:
        cases = [
            case
            for path in storage.list_test_sets(args.test_dir)
            for case in storage.read_test_set(path).cases
        ]
        endpoints = coverage.endpoint_coverage(coverage.load_openapi(args.openapi), cases)
    totals = summary.build_summary(documents, endpoints)
    summary.write_json(args.output, totals)
    summary.write_html(args.html or args.output.with_suffix(".html"), totals)
    status = _verdict(totals["success"], totals["total"], config.pass_rate)
    if endpoints is not None:
        print(
            f"endpoint coverage {endpoints.percent:.1f}%, threshold {config.endpoint_coverage:g}%"
        )
        for endpoint in endpoints.uncovered:
            print(f"  uncovered: {endpoint.method} {endpoint.path}")
        if endpoints.percent < config.endpoint_coverage:
            status = 1
    return status


def _gate(args: argparse.Namespace) -> int:
    from keploy_framework import gate  # noqa: PLC0415 - httpx
    from keploy_framework.config import load_config  # noqa: PLC0415

    result = gate.run(
        args.test_dir,
        args.reports_dir,
        load_config(args.config),
        app_cmd=args.app_cmd,
        app_port=args.app_port,
        base_url=args.base_url,
        openapi_path=args.openapi_path,
        test_sets=args.test_sets,
    )
    print(gate.describe(result))
    return 0 if result.passed else 1


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; errors users can cause become one line on stderr."""
    args = _parser().parse_args(argv)
    if getattr(args, "test_sets", None):  # Keploy spells the list "test-set-0,test-set-1"
        args.test_sets = [n.strip() for v in args.test_sets for n in v.split(",") if n.strip()]
    handlers = {"record": _record, "test": _test, "report": _report, "gate": _gate}
    try:
        return handlers[args.command](args)
    except (InputError, EngineUnavailable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (AppError, CaseWriterError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except OSError as error:  # a writer's full disk or read-only folder, named by path
        print(f"error: {describe_os_error(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; the app under test was stopped", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
