"""The ``aivo`` command.

Run as: ``aivo --help`` (installed by ``pip install -e .``), or ``python -m aivo``.
"""

from __future__ import annotations

import json
import logging
import sys

import typer

from brain.settings import Settings, get_settings
from training.recipe import LoraRecipe

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


def _prefect_env(settings: Settings) -> None:
    """Point Prefect at the stack's server when it runs (runs then show in its UI)."""
    import os

    import httpx

    try:
        if httpx.get(f"{settings.prefect_api_url}/health", timeout=2).status_code == 200:
            os.environ.setdefault("PREFECT_API_URL", settings.prefect_api_url)
    except httpx.HTTPError:
        typer.echo(f"(Prefect server at {settings.prefect_api_url} is not running: using a temporary one)")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    from aivo.stack import s3_env

    for key, value in s3_env(settings).items():
        os.environ.setdefault(key, value)


@app.command()
def clone(
    baseline: str = typer.Argument(..., help="Baseline JSON file (or s3:// URI)."),
    epochs: int = typer.Option(LoraRecipe.epochs, help="Training epochs."),
    rank: int = typer.Option(LoraRecipe.rank, help="LoRA rank."),
    require_review: bool = typer.Option(False, help="Register as `candidate`; a reviewer moves `champion`."),
) -> None:
    """Clone one student (runs the clone-student flow here, with a progress bar)."""
    settings = get_settings()
    _prefect_env(settings)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from flows import clone as clone_flow
    from flows.ingest import BaselineRejected
    from flows.stages import CloneRecipe

    recipe = CloneRecipe(lora=LoraRecipe(epochs=epochs, rank=rank))

    with Progress(TextColumn("{task.description}"), BarColumn(), TextColumn("{task.percentage:>3.0f}%"),
                  TimeElapsedColumn()) as bar:
        job = bar.add_task("starting", total=100)
        clone_flow.PROGRESS_LISTENERS.append(lambda sid, pct, stage: bar.update(job, completed=pct,
                                                                               description=f"{sid}: {stage}"))
        try:
            result = clone_flow.clone_student(baseline_path=baseline, recipe=recipe, require_review=require_review)
        except BaselineRejected as exc:
            typer.secho(f"error: {exc}", fg="red", err=True)
            raise typer.Exit(2) from None
        except PermissionError as exc:  # registry.consent.ConsentMissing
            typer.secho(f"error: {exc}", fg="red", err=True)
            raise typer.Exit(3) from None
    typer.echo(json.dumps({k: result[k] for k in ("student_id", "version", "aliases", "adapter_uri",
                                                   "adapter_bytes", "reused")}, indent=2))
    ev = result.get("eval") or {}
    if ev:
        typer.echo(f"eval loss: base {ev.get('base_eval_loss'):.4f} -> adapter {ev.get('adapter_eval_loss'):.4f}; "
                   f"gate {'passed' if ev.get('gate_passed') else 'failed'}")


@app.command("clone-cohort")
def clone_cohort(
    directory: str = typer.Argument(..., help="Directory of baseline *.json files."),
    parallelism: int = typer.Option(1, help="Concurrent clones (each holds a copy of the base model)."),
) -> None:
    """Clone every baseline in a directory (runs the clone-cohort flow here)."""
    settings = get_settings()
    _prefect_env(settings)
    from flows.cohort import clone_cohort as cohort_flow

    rows = cohort_flow(baselines_dir=directory, parallelism=parallelism)
    for r in rows:
        typer.echo("  " + "  ".join(f"{k}={v}" for k, v in r.items()))


@app.command()
def forget(
    student_id: str = typer.Argument(..., help="The student whose data is deleted."),
    actor: str = typer.Option(..., help="Who asked for the deletion (kept in the tombstone), e.g. 'parent:1234'."),
    reason: str = typer.Option("", help="Why (e.g. a ticket number); no personal data."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    deep_scan: bool = typer.Option(False, help="Afterwards search every S3 object's and local file's bytes for the "
                                   "id as a word (a report; skipped for short ids)."),
) -> None:
    """Delete every trace of a student (S3, MLflow, caches, log records, Prefect runs) by exact keys; keep a
    tombstone; scan to prove it. A student of whom nothing is stored: exit 3, nothing changed."""
    from registry import forget as forget_mod

    if not yes:
        typer.confirm(f"Delete all data of student {student_id}? This cannot be undone", abort=True)
    try:
        report = forget_mod.forget_student(get_settings(), student_id, actor=actor, reason=reason)
    except forget_mod.UnknownStudent:
        typer.secho(f"unknown student {student_id!r}: nothing is stored for this id in any store (never known, "
                    "or already forgotten); nothing was changed", fg="red", err=True)
        raise typer.Exit(3) from None
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None
    typer.echo(json.dumps(report.to_dict(), indent=2))
    for warning in report.warnings:
        typer.secho(f"warning: {warning}", fg="yellow", err=True)
    if deep_scan:
        mentions = forget_mod.find_mentions(get_settings(), student_id)
        if mentions is None:
            typer.echo(f"text search skipped: {student_id!r} is too short or has no letter (only look-alikes "
                       "would be found)")
        elif mentions:
            typer.secho("the id still occurs as text (not the student's data by key; check by hand): "
                        + json.dumps(mentions, indent=2), fg="yellow", err=True)
        else:
            typer.echo("text search: the id occurs nowhere")
    if report.remaining:
        typer.secho(f"the scan still finds the student in: {sorted(report.remaining)}", fg="red", err=True)
        raise typer.Exit(1)
    typer.echo(f"student forgotten; tombstone {report.tombstone}")


consent_app = typer.Typer(no_args_is_help=True, help="Consent records (collect, personalise) of students.")
app.add_typer(consent_app, name="consent")

_PURPOSE_HELP = "collect | personalise | all"
_SOURCE_HELP = "Where the consent came from: parent_portal, district_agreement, school_official, sample_data..."


def _consent_change(granted: bool, students: list[str], purpose: str, source: str, actor: str, note: str) -> None:
    from registry import consent

    settings = get_settings()
    try:
        purposes = consent.expand_purposes(purpose)
        for sid in students:
            for p in purposes:
                rec = (consent.grant if granted else consent.revoke)(settings, sid, p, source=source, actor=actor,
                                                                      note=note)
                typer.echo(f"{sid}: {p} {'granted' if rec.granted else 'revoked'} ({rec.source}, {rec.time})")
    except ValueError as exc:
        typer.secho(f"error: {exc}", fg="red", err=True)
        raise typer.Exit(2) from None


@consent_app.command("grant")
def consent_grant(
    students: list[str] = typer.Argument(..., help="Student id(s)."),
    purpose: str = typer.Option("all", help=_PURPOSE_HELP),
    source: str = typer.Option(..., help=_SOURCE_HELP),
    actor: str = typer.Option(..., help="Who recorded it, e.g. 'parent:1234' or 'admin:jdoe'."),
    note: str = typer.Option("", help="Free note (no personal data)."),
) -> None:
    """Record consent for a purpose (appends a record; the latest wins)."""
    _consent_change(True, students, purpose, source, actor, note)


@consent_app.command("revoke")
def consent_revoke(
    students: list[str] = typer.Argument(..., help="Student id(s)."),
    purpose: str = typer.Option("all", help=_PURPOSE_HELP),
    source: str = typer.Option(..., help=_SOURCE_HELP),
    actor: str = typer.Option(..., help="Who recorded it."),
    note: str = typer.Option("", help="Free note (no personal data)."),
) -> None:
    """Withdraw consent: new clones are refused and running ones stop and purge their data."""
    _consent_change(False, students, purpose, source, actor, note)


@consent_app.command("show")
def consent_show(student_id: str = typer.Argument(..., help="Student id."),
                 history: bool = typer.Option(False, "--history", help="Every record, not only those in force.")
                 ) -> None:
    """The consent in force per purpose (or the whole history)."""
    from registry import consent

    settings = get_settings()
    records = (consent.history(settings, student_id) if history
               else [r for p in consent.PURPOSES if (r := consent.get(settings, student_id, p))])
    shown = {r.purpose for r in records}
    for rec in records:
        typer.echo(f"{rec.purpose:<12} {'granted' if rec.granted else 'revoked':<8} {rec.time}  "
                   f"source={rec.source} actor={rec.actor}" + (f" note={rec.note}" if rec.note else ""))
    for p in consent.PURPOSES:
        if p not in shown:
            typer.echo(f"{p:<12} none")


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


from aivo.tenants import app as tenant_app  # noqa: E402

app.add_typer(tenant_app, name="tenant")


def main() -> None:  # pragma: no cover
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
