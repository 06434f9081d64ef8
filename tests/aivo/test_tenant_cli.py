"""`aivo tenant`: tenants, keys (printed once, stored hashed) and rosters from baseline files."""

import json
import os
import subprocess
import sys

from serving.auth import Tenants
from tests.conftest import make_settings


def test_tenant_key_and_roster_commands(tmp_path):
    settings = make_settings(tmp_path)
    env = {**os.environ, **settings.to_env()}

    def aivo(*args):
        return subprocess.run([sys.executable, "-m", "aivo", "tenant", *args], env=env, capture_output=True,
                              text=True, timeout=120)

    assert aivo("add", "district-7", "--name", "District 7").returncode == 0
    key = aivo("key", "district-7").stdout.strip()
    assert key.startswith("aivo_")
    roster = aivo("roster", "district-7", "samples/baselines/stu-0001.json", "samples/baselines/stu-0002.json")
    assert roster.returncode == 0 and "stu-0001, stu-0002" in roster.stdout
    principal = Tenants.for_settings(settings).authenticate(key)
    assert principal.tenant_id == "district-7" and set(principal.roster) == {"stu-0001", "stu-0002"}
    assert key not in (tmp_path / "tenants.json").read_text()
    assert json.loads((tmp_path / "tenants.json").read_text())["tenants"]["district-7"]["students"]["stu-0001"]["grade"]
    dup = aivo("add", "district-7")
    assert dup.returncode != 0 and "exists" in dup.stderr
    aivo("add", "district-8")
    taken = aivo("roster", "district-8", "samples/baselines/stu-0001.json")
    assert taken.returncode != 0 and "already on the roster of tenant 'district-7'" in taken.stderr
