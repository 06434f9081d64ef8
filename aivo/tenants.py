"""``aivo tenant ...``: tenants (schools, districts), their API keys and rosters.

    aivo tenant add district-7 --name "District 7"
    aivo tenant key district-7              # prints a new key once; only its hash is stored
    aivo tenant roster district-7 samples/baselines/*.json   # students (profiles) from baselines or profiles
    aivo tenant list
"""

from __future__ import annotations

import json
from pathlib import Path

import typer

from brain.settings import get_settings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="Tenants, API keys and rosters.")


def _fail(exc: Exception) -> None:
    typer.secho(f"error: {exc}", fg="red", err=True)
    raise typer.Exit(1)


def _tenants():
    from serving.auth import Tenants

    return Tenants.for_settings(get_settings())


@app.command("add")
def add(tenant_id: str, name: str = typer.Option("", "--name")) -> None:
    """Create a tenant (a school or district)."""
    try:
        _tenants().add_tenant(tenant_id, name)
    except ValueError as exc:
        _fail(exc)
    typer.echo(f"tenant {tenant_id} created")


@app.command("key")
def key(tenant_id: str) -> None:
    """Make an API key for a tenant; it is printed once, only its sha256 is kept."""
    try:
        typer.echo(_tenants().create_key(tenant_id))
    except ValueError as exc:
        _fail(exc)


@app.command("revoke-key")
def revoke_key(tenant_id: str, key_id: str) -> None:
    """Revoke a key by its id (the part after 'aivo_' and before the next '_')."""
    try:
        _tenants().revoke_key(tenant_id, key_id)
    except ValueError as exc:
        _fail(exc)
    typer.echo(f"key {key_id} of {tenant_id} revoked")


@app.command("roster")
def roster(tenant_id: str, files: list[Path]) -> None:
    """Put students on a tenant's roster, from baseline files (their "student" block) or profile files."""
    from brain.schemas import StudentProfile

    profiles = []
    for f in files:
        data = json.loads(f.read_text())
        profiles.append(StudentProfile.model_validate(data.get("student", data)))
    try:
        _tenants().add_students(tenant_id, profiles)
    except ValueError as exc:
        _fail(exc)
    typer.echo(f"{len(profiles)} student(s) on the roster of {tenant_id}: "
               + ", ".join(p.student_id for p in profiles))


@app.command("list")
def list_() -> None:
    """Tenants, their key ids and students."""
    for tid, t in _tenants().data()["tenants"].items():
        typer.echo(f"{tid} ({t['name']}): keys {', '.join(t['keys']) or '-'}; "
                   f"{len(t['students'])} students: {', '.join(sorted(t['students']))}")
