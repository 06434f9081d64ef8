"""Which student profile personalises a request, and where it came from.

Every generation and assessment route builds its prompt from one profile (grade, learning
style, accommodations, reading level), chosen in this order; the response names the source
(``profile_source``; chat completions also ``aivo.profile_source`` and the header
``X-AIVO-Profile-Source``), so a missing profile is never silent:

1. ``roster``: the student is on a tenant's roster (the key's own tenant; for operator keys
   and open mode, any tenant's). A district's record wins over what an app sends.
2. ``request``: the request's ``context`` (``/v1/generate``, ``/v1/assess``; optional on
   ``/v1/chat/completions``).
3. ``clone``: the profile the student's registered clone was trained for: the ``profile``
   tag of the served MLflow model version (a JSON StudentProfile) when present, else the
   ``student`` of the PII-scrubbed baseline the version's ``baseline_uri`` tag points at
   (only under ``s3://<bucket>/baselines/<student>/``), else its ``grade`` tag. Read
   through the engine's adapter resolver (the same cached MLflow answer that picks the
   adapter), cached per adapter version for ``ttl`` seconds.
4. ``default``: grade 5, no accommodations (chat completions for an unknown student in open
   mode; the response says ``default``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass

from brain.schemas import GenerationContext, StudentProfile
from brain.settings import Settings

log = logging.getLogger("aivo.serving.profiles")

SOURCES = ("roster", "request", "clone", "default")
HEADER = "X-AIVO-Profile-Source"
DEFAULT_GRADE = 5


@dataclass(frozen=True)
class Resolved:
    profile: StudentProfile
    source: str  # one of SOURCES


class ProfileResolver:
    """roster -> request -> clone -> default, for one student of one request."""

    def __init__(self, settings: Settings, tenants, ttl: float = 300.0, max_entries: int = 4096):
        self.settings, self.tenants, self.ttl, self.max_entries = settings, tenants, ttl, max_entries
        self._clones: dict[tuple[str, str], tuple[float, StudentProfile | None]] = {}
        self._lock = threading.Lock()

    # -- the sources ------------------------------------------------------------------
    def roster(self, principal, student_id: str) -> StudentProfile | None:
        if principal.kind == "tenant":
            return principal.profile(student_id)
        for tenant in (self.tenants.data().get("tenants") or {}).values():
            data = (tenant.get("students") or {}).get(student_id)
            if data:
                return StudentProfile.model_validate({**data, "student_id": student_id})
        return None

    def clone(self, engine, student_id: str) -> StudentProfile | None:
        """The served clone's profile (blocking: call it from a thread)."""
        resolver = getattr(engine, "resolver", None)
        if resolver is None:
            return None
        version = resolver.resolve(student_id)
        if version is None:
            return None
        key = (student_id, f"{version.version}:{version.uri}")
        now = time.monotonic()
        with self._lock:
            hit = self._clones.get(key)
            if hit is not None and now - hit[0] < self.ttl:
                return hit[1]
        profile = self._read_clone_profile(student_id, version)
        with self._lock:
            if len(self._clones) >= self.max_entries:
                self._clones.pop(next(iter(self._clones)))
            self._clones[key] = (now, profile)
        return profile

    def forget(self, student_id: str) -> None:
        with self._lock:
            for key in [k for k in self._clones if k[0] == student_id]:
                del self._clones[key]

    def _read_clone_profile(self, student_id: str, version) -> StudentProfile | None:
        tags = dict(getattr(version, "tags", None) or {})
        try:
            if tags.get("profile"):
                data = json.loads(tags["profile"])
                return StudentProfile.model_validate({**data, "student_id": student_id})
            uri = tags.get("baseline_uri") or ""
            allowed = f"s3://{self.settings.s3_bucket}/baselines/{student_id}/"
            if uri.startswith(allowed) and ".." not in uri:
                from registry import storage

                student = dict(storage.get_json(self.settings, uri).get("student") or {})
                if student.get("student_id") == student_id:
                    return StudentProfile.model_validate(student)
                log.warning("clone v%s of a student: its baseline names another student; not used", version.version)
            elif uri:
                log.warning("clone v%s of a student: baseline_uri outside the student's prefix; not used",
                            version.version)
            if tags.get("grade"):
                return StudentProfile(student_id=student_id, grade=tags["grade"])
        except Exception:  # noqa: BLE001 - an unreadable profile falls back to the next source, said in the answer
            log.exception("reading the profile of clone v%s failed", getattr(version, "version", "?"))
        return None

    # -- the choice -------------------------------------------------------------------
    def resolve(self, principal, student_id: str, requested: StudentProfile | None = None,
                engine=None) -> Resolved:
        """Blocking (the clone lookup may reach MLflow/S3 once): call it from a thread."""
        found = self.roster(principal, student_id)
        if found is not None:
            return Resolved(found, "roster")
        if requested is not None:
            return Resolved(requested, "request")
        found = self.clone(engine, student_id)
        if found is not None:
            return Resolved(found, "clone")
        return Resolved(StudentProfile(student_id=student_id, grade=DEFAULT_GRADE), "default")


def chat_student(model: str, user: str | None, context_student: str | None, brain_model_id: str):
    """(student id, use the clone) of a chat request, from ``model``, ``user`` and ``context.student_id``.

    ``student-<id>``: the clone; ``aivo-brain``: the base, personalised for ``user``. 'student-' followed by
    something that is not a student id is a 422 naming ``model``; any other model a 404."""
    from serving.errors import FieldError, check_student_id

    if model.startswith("student-"):
        sid, use_adapter = check_student_id(model[len("student-"):], "model"), True
        if user and user != sid:
            raise FieldError("user", f"{user!r} and model {model!r} name different students", 400)
    elif model == brain_model_id:
        sid, use_adapter = user or context_student, False
    else:
        raise FieldError("model", f"{model!r} does not exist: use 'student-<id>' or '{brain_model_id}' "
                                  "(GET /v1/models lists yours)", 404)
    if sid is None:
        raise FieldError("user", "name the student: model 'student-<id>' or the 'user' field", 400)
    if context_student is not None and context_student != sid:
        raise FieldError("context.student_id", f"{context_student!r} is not the student of this request "
                                               f"({sid!r})", 400)
    return sid, use_adapter


def context_of(profile: StudentProfile, subject: str | None = None):
    """A request context carrying ``profile``."""
    return GenerationContext(student_id=profile.student_id, grade=profile.grade, subject=subject,
                             learning_style=profile.learning_style, accommodations=list(profile.accommodations),
                             reading_level=profile.reading_level)
