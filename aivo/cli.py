"""The ``aivo`` command.

Run as: ``aivo --help`` (installed by ``pip install -e .``), or ``python -m aivo``.
"""

from __future__ import annotations

import json
import logging
import sys

import typer

from brain.settings import Settings, get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True,
                  help="AIVO Brain: local stack, base model and endpoint.")


@app.command()
def up(only: list[str] = typer.Option(None, "--only", help="Start only these services "
                                      "(s3, mlflow, prefect, worker, endpoint).")) -> None:
    """Start the local stack (S3, MLflow, Prefect server + worker, endpoint) and print the URLs."""
    from aivo import stack

    settings = get_settings()
    typer.echo(f"AIVO Brain local stack (data in {settings.data_dir}, base model {settings.base_model})")
    try:
        stack.up(settings, only=only or None, echo=typer.echo)
    except stack.StackError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo("")
    for label, url in stack.urls(settings).items():
        typer.echo(f"  {label:<11} {url}")
    typer.echo("\nStop with: make down")


@app.command()
def down() -> None:
    """Stop exactly the processes `aivo up` started."""
    from aivo import stack

    stopped = stack.down(get_settings(), echo=typer.echo)
    if not stopped:
        typer.echo("nothing was running")


@app.command()
def status(as_json: bool = typer.Option(False, "--json")) -> None:
    """Show which services of the local stack run and answer their health check."""
    from aivo import stack

    rows = stack.status(get_settings())
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    for r in rows:
        state = "healthy" if r["healthy"] else ("running, unhealthy" if r["running"] else "stopped")
        typer.echo(f"  {r['service']:<9} {state:<19} {r['url'] or ''}")


@app.command()
def serve() -> None:
    """Run the endpoint in the foreground (what `aivo up` starts in the background)."""
    from serving.app import main

    main()


@app.command("prepare-model")
def prepare_model() -> None:
    """Load the configured base model once (builds the embedded model's cache) and print what loaded."""
    from brain.models import ModelLoadError, load_base_model

    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        m = load_base_model(get_settings())
    except ModelLoadError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(1) from None
    typer.echo(json.dumps({"model": m.name, "params": m.num_parameters, "device": str(m.device),
                           "dtype": str(m.dtype), "seconds": round(m.load_seconds, 2),
                           "from_cache": m.from_cache, "weights_sha256": m.weights_sha256}))


@app.command()
def settings(show_secrets: bool = typer.Option(False, "--show-secrets")) -> None:
    """Print the settings in force (environment AIVO_*, then .env, then defaults)."""
    s = get_settings()
    data = json.loads(s.model_dump_json())
    if show_secrets:
        data["s3_secret_key"] = s.s3_secret_key.get_secret_value()
        data["api_keys"] = [k.get_secret_value() for k in s.api_keys]
    for name, field in Settings.model_fields.items():
        typer.echo(f"AIVO_{name.upper():<22} = {data[name]}")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
