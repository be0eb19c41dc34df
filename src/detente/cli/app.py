"""Entry point of the ``detente`` command: builds the Typer app and prints user errors cleanly."""

from __future__ import annotations

import os
import sys

import typer

from detente.cli import scenario_cmds
from detente.cli.common import err_console, reflow_help

app = typer.Typer(
    name="detente",
    help="Détente: model a negotiation, find the deals every party can accept, sequence them, brief principals.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        from importlib.metadata import version

        typer.echo(f"detente {version('detente')}")
        raise typer.Exit()


@app.callback()
def _options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Détente: model a negotiation, find the deals every party can accept, sequence them, brief principals."""


# One register() per command group; each module imports its heavy dependencies lazily.
scenario_cmds.register(app)
COMMAND_MODULES = (
    "analysis_cmds",
    "roadmap_cmds",
    "brief_cmds",
    "genius_cmds",
    "forecast_cmds",
    "simulate_cmds",
    "uncertainty_cmds",
    "ledger_cmds",
    "server_cmds",
)
for _module in COMMAND_MODULES:
    try:
        __import__(f"detente.cli.{_module}")
    except ModuleNotFoundError as _exc:
        if _exc.name != f"detente.cli.{_module}":
            raise
    else:
        sys.modules[f"detente.cli.{_module}"].register(app)
reflow_help(app)  # after every register(): help paragraphs wrap at the terminal, not mid-sentence


def main(argv: list[str] | None = None) -> None:
    """Run the CLI. User errors (bad files, impossible requests) print a message and exit 2."""
    from detente.errors import DetenteError
    from detente.text import terminal, visible_controls

    try:
        app(args=argv, prog_name="detente")  # standalone: usage errors print and exit by themselves
    except DetenteError as exc:
        problems = getattr(exc, "problems", None)
        if problems:
            noun = "problem" if len(problems) == 1 else "problems"
            err_console.print(f"[bold red]error:[/] {len(problems)} {noun} found", highlight=False)
            for p in problems:
                err_console.print(
                    f"  {visible_controls(str(p))}", highlight=False, markup=False, soft_wrap=True
                )
        else:
            err_console.print(f"[bold red]error:[/] {terminal(str(exc))}", highlight=False)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:  # an internal bug: say so briefly; DETENTE_DEBUG=1 shows the traceback
        if os.environ.get("DETENTE_DEBUG"):
            raise
        err_console.print(
            f"[bold red]internal error:[/] {type(exc).__name__}: {terminal(str(exc))}", highlight=False
        )
        err_console.print("This is a bug in Détente. Re-run with DETENTE_DEBUG=1 for details and report it.")
        sys.exit(70)


if __name__ == "__main__":
    main()
