# Source: pallets/click, tests/test_options.py (BSD-3-Clause).
# Rewritten to the same shape: CliRunner.invoke in a loop is not a model call.
import click
from click.testing import CliRunner


@click.command()
@click.option("--count", default=1)
def cli(count):
    click.echo(count)


def test_counts():
    runner = CliRunner()
    for args in (["--count", "1"], ["--count", "2"], []):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0
