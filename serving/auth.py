"""API keys, tenants and rosters.

A tenant is a school or a district. It holds API keys (only their sha256 is
stored; the key itself is shown once, when made) and a roster: the students
it may reach, each with the profile the endpoint personalises with (grade,
subjects, learning style, accommodations; never a name). A key reaches only
its own tenant's students: any other student is a 403, whatever the prompt
says. Keys look like ``aivo_<key id>_<secret>``; the key id finds the record,
the secret is compared in constant time.

Operator keys (``AIVO_API_KEYS``) reach every student; they are for the
platform's own operators and local tooling. With neither a tenants file nor
operator keys the endpoint is open (local development only: ``/health``
says so and the log warns at start).

The tenants file (``<data_dir>/tenants.json`` by default, ``AIVO_TENANTS_FILE``)
is managed with ``aivo tenant ...``; it is re-read when it changes on disk, so
a new key or roster entry needs no restart.

The client IP (``client_ip``, what the per-IP rate limit counts) is the socket
peer, unless the peer is one of ``AIVO_TRUSTED_PROXIES``: then the proxy's
header (``AIVO_FORWARDED_HEADER``: X-Forwarded-For or Forwarded) is read from
the right, skipping trusted proxies, and the first other address is the client.
Anything left of it was written by the client and is never believed, so
rotating X-Forwarded-For buys no fresh budget.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import os
import re
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path

from brain.schemas import STUDENT_ID_PATTERN, StudentProfile
from brain.settings import Settings

KEY_PREFIX = "aivo_"


class AuthError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status, self.message = status, message


@dataclass(frozen=True)
class Principal:
    """Who is calling: a tenant's key, an operator key, or anyone (open local mode)."""

    kind: str  # "tenant" | "operator" | "open"
    tenant_id: str | None = None
    key_id: str | None = None
    roster: dict[str, dict] = field(default_factory=dict)

    @property
    def actor(self) -> str:
        return f"tenant:{self.tenant_id}/key:{self.key_id}" if self.kind == "tenant" else self.kind

    @property
    def all_students(self) -> bool:
        return self.kind in ("operator", "open")

    def check_student(self, student_id: str) -> None:
        """422 for something that is not a student id (brain.schemas.STUDENT_ID_PATTERN); 403 unless this
        caller may reach the student."""
        if not isinstance(student_id, str) or not re.fullmatch(STUDENT_ID_PATTERN, student_id):
            raise AuthError(422, f"student_id: {str(student_id)[:80]!r} is not a student id")
        if not self.all_students and student_id not in self.roster:
            raise AuthError(403, f"student {student_id!r} is not on the roster of tenant {self.tenant_id!r}")

    def profile(self, student_id: str) -> StudentProfile | None:
        """The student's profile on this tenant's roster (None: not on it, or not a tenant's key)."""
        data = self.roster.get(student_id)
        return StudentProfile.model_validate({**data, "student_id": student_id}) if data else None


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


class Tenants:
    """The tenants file: read (cached by mtime) and changed atomically."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._data: dict = {"tenants": {}}

    @classmethod
    def for_settings(cls, settings: Settings) -> "Tenants":
        return cls(settings.tenants_file or settings.data_dir / "tenants.json")

    def data(self) -> dict:
        with self._lock:
            try:
                st = self.path.stat()
            except FileNotFoundError:
                self._stamp, self._data = None, {"tenants": {}}
                return self._data
            stamp = (st.st_mtime_ns, st.st_size)
            if stamp != self._stamp:
                self._data = json.loads(self.path.read_text() or '{"tenants": {}}')
                self._stamp = stamp
            return self._data

    def _write(self, data: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps(data, indent=2, sort_keys=True))
        os.chmod(tmp, 0o600)
        tmp.replace(self.path)

    def configured(self) -> bool:
        return bool(self.data()["tenants"])

    def add_tenant(self, tenant_id: str, name: str = "") -> None:
        data = json.loads(json.dumps(self.data()))
        if tenant_id in data["tenants"]:
            raise ValueError(f"tenant {tenant_id!r} exists")
        data["tenants"][tenant_id] = {"name": name or tenant_id, "keys": {}, "students": {}}
        self._write(data)

    def create_key(self, tenant_id: str) -> str:
        """A new key for the tenant; returned once, only its hash is kept."""
        data = json.loads(json.dumps(self.data()))
        tenant = self._tenant(data, tenant_id)
        key_id, secret = secrets.token_hex(4), secrets.token_urlsafe(24)
        tenant["keys"][key_id] = {"sha256": _hash(secret), "created": datetime.now(timezone.utc).isoformat()}
        self._write(data)
        return f"{KEY_PREFIX}{key_id}_{secret}"

    def revoke_key(self, tenant_id: str, key_id: str) -> None:
        data = json.loads(json.dumps(self.data()))
        if self._tenant(data, tenant_id)["keys"].pop(key_id, None) is None:
            raise ValueError(f"tenant {tenant_id!r} has no key {key_id!r}")
        self._write(data)

    def add_students(self, tenant_id: str, profiles: list[StudentProfile]) -> None:
        data = json.loads(json.dumps(self.data()))
        tenant = self._tenant(data, tenant_id)
        for p in profiles:
            for other_id, other in data["tenants"].items():
                if other_id != tenant_id and p.student_id in other["students"]:
                    raise ValueError(f"student {p.student_id!r} is already on the roster of tenant {other_id!r}")
            tenant["students"][p.student_id] = p.model_dump(mode="json", exclude={"student_id"})
        self._write(data)

    def remove_student(self, student_id: str) -> bool:
        data = json.loads(json.dumps(self.data()))
        found = False
        for tenant in data["tenants"].values():
            found |= tenant["students"].pop(student_id, None) is not None
        if found:
            self._write(data)
        return found

    @staticmethod
    def _tenant(data: dict, tenant_id: str) -> dict:
        try:
            return data["tenants"][tenant_id]
        except KeyError:
            raise ValueError(f"no tenant {tenant_id!r}") from None

    def authenticate(self, token: str) -> Principal | None:
        if not token.startswith(KEY_PREFIX):
            return None
        key_id, _, secret = token[len(KEY_PREFIX):].partition("_")
        given = _hash(secret)
        for tenant_id, tenant in self.data()["tenants"].items():
            record = tenant["keys"].get(key_id)
            if record is not None and hmac.compare_digest(given, record["sha256"]):
                return Principal("tenant", tenant_id, key_id, dict(tenant["students"]))
        return None


def authenticate(settings: Settings, tenants: Tenants, authorization: str | None) -> Principal:
    """The caller of a request from its ``Authorization: Bearer`` header; AuthError(401) when it is wrong."""
    operator_keys = [k.get_secret_value() for k in settings.api_keys]
    if not operator_keys and not tenants.configured():
        return Principal("open")
    if not authorization:
        raise AuthError(401, "missing API key: send 'Authorization: Bearer <key>'")
    scheme, _, token = authorization.partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise AuthError(401, "malformed Authorization header: expected 'Bearer <key>'")
    if any(hmac.compare_digest(token.encode(), k.encode()) for k in operator_keys):
        return Principal("operator")
    principal = tenants.authenticate(token)
    if principal is None:
        raise AuthError(401, "invalid API key")
    return principal


# -- the client's address -------------------------------------------------------------------

@lru_cache(maxsize=8)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p.strip(), strict=False) for p in proxies)


def _address(text: str):
    """An IP address from a header entry ('1.2.3.4', '1.2.3.4:80', '[::1]:80', '"[::1]"'), else None."""
    text = text.strip().strip('"')
    if text.startswith("["):
        text = text[1:].partition("]")[0]
    elif text.count(":") == 1:  # IPv4 with a port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address  # ::ffff:10.0.0.1 is 10.0.0.1


def forwarded_chain(header: str, values: list[str]) -> list:
    """The addresses a header lists, left (farthest) to right (nearest); None for an unreadable entry."""
    entries = [e for v in values for e in v.split(",")]
    if header == "forwarded":  # RFC 7239: for=192.0.2.1;proto=https, for="[2001:db8::1]:443"
        fors = []
        for element in entries:
            pairs = dict(p.strip().partition("=")[::2] for p in element.split(";") if "=" in p)
            pairs = {k.strip().lower(): v for k, v in pairs.items()}
            if "for" in pairs:
                fors.append(pairs["for"])
        entries = fors
    return [_address(e) for e in entries if e.strip()]


def client_ip(peer: str | None, headers, trusted_proxies: list[str] | tuple[str, ...],
              header: str = "x-forwarded-for") -> str:
    """The client's address: the socket ``peer``, or, when the peer is a trusted proxy, the right-most
    address of the proxy ``header`` that is not a trusted proxy (``headers``: a Starlette Headers)."""
    if not peer:
        return "-"
    networks = _networks(tuple(trusted_proxies))
    nearest = _address(peer)
    if nearest is None or not any(nearest in n for n in networks):
        return peer
    for hop in reversed(forwarded_chain(header, headers.getlist(header))):
        if hop is None:  # unreadable: we cannot see past it; the nearest trusted hop stands for the client
            break
        if not any(hop in n for n in networks):
            return str(hop)
        nearest = hop
    return str(nearest)
