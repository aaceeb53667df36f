"""A real CKAN 2.12 on 127.0.0.1 with PostgreSQL and Redis from Debian and a Solr stand-in.

The `datastore` plugin is on: a `datastore` database written by the `ckan` role and read
by `datastore_ro`, with CKAN's own permission SQL applied, and SQL search enabled.

CKAN lives in its own virtualenv (its pins conflict with ours), made by
scripts/install-test-servers. PostgreSQL refuses to run as root, so when the tests run
as root its private data folder belongs to the postgres user and its commands run
through `runuser`. Everything listens on loopback only and is removed at the end.

    python -m servers.ckan    (from tests/) starts one and waits, for trying things by hand
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from servers import SERVERS_DIR, free_port, not_installed, stop, wait_for_port

CKAN_VENV = SERVERS_DIR / "ckan-venv"
ADMIN = "publisher"
DATASTORE_READER = "datastore_ro"
ORGANIZATION = "stadt-dortmund"


@dataclass
class CkanServer:
    url: str
    token: str
    organization: str = ORGANIZATION


def postgres_bin() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    return Path(found[-1]).parent if found else None


def _version_key(path: str) -> int:
    return int(Path(path).parts[4]) if Path(path).parts[4].isdigit() else 0


def missing_parts() -> list[str]:
    missing = []
    if not (CKAN_VENV / "bin" / "ckan").exists():
        missing.append("CKAN (ckan-venv)")
    if postgres_bin() is None:
        missing.append("PostgreSQL")
    if shutil.which("redis-server") is None:
        missing.append("redis-server")
    return missing


def as_postgres(args: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *args] if os.geteuid() == 0 else args


def run(args: list[str], **kwargs) -> str:
    done = subprocess.run(args, capture_output=True, text=True, **kwargs)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:4])}... failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextlib.contextmanager
def postgres() -> Iterator[int]:
    """A throw-away cluster with a `ckan` database owned by the `ckan` role."""
    bin_dir = postgres_bin()
    assert bin_dir is not None
    # not under pytest's folder: that one is private to root, and postgres must read this
    folder = Path(tempfile.mkdtemp(prefix="ckan-pg-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = free_port()
    pg_ctl = as_postgres([str(bin_dir / "pg_ctl"), "-D", str(data)])
    try:
        initdb = [str(bin_dir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust"]
        run(as_postgres([*initdb, "-E", "UTF8", "--no-locale", "--no-sync"]))
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off"
        run([*pg_ctl, "-o", options, "-l", str(folder / "postgres.log"), "-w", "start"])
        psql = [str(bin_dir / "psql"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
        run([*psql, "-c", "CREATE ROLE ckan LOGIN PASSWORD 'ckan'"])
        run([*psql, "-c", "CREATE DATABASE ckan OWNER ckan ENCODING 'UTF8' TEMPLATE template0"])
        # the DataStore: its own database, written by ckan, read by a read-only role
        run([*psql, "-c", f"CREATE ROLE {DATASTORE_READER} LOGIN PASSWORD 'datastore'"])
        run(
            [*psql, "-c", "CREATE DATABASE datastore OWNER ckan ENCODING 'UTF8' TEMPLATE template0"]
        )
        datastore_permissions(psql)
        yield port
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], capture_output=True)
        shutil.rmtree(folder, ignore_errors=True)


def datastore_permissions(psql: list[str]) -> None:
    """What `ckan datastore set-permissions | psql` does: CKAN's own SQL template, filled
    in by CKAN's venv (its plugin checks at start-up that the reader cannot write)."""
    script = (
        "from ckanext.datastore.cli import permissions_sql\n"
        "print(permissions_sql(maindb='ckan', datastoredb='datastore', mainuser='ckan', "
        f"writeuser='ckan', readuser={DATASTORE_READER!r}))"
    )
    sql = run([str(CKAN_VENV / "bin" / "python"), "-c", script])
    run([*psql, "--set", "ON_ERROR_STOP=1", "-d", "ckan"], input=sql)


@contextlib.contextmanager
def background(args: list[str], port: int, log: Path, timeout: float, **kwargs) -> Iterator[None]:
    with open(log, "wb") as handle:
        process = subprocess.Popen(args, stdout=handle, stderr=subprocess.STDOUT, **kwargs)
        try:
            wait_for_port(port, timeout, process)
            yield
        except (RuntimeError, TimeoutError) as error:
            raise RuntimeError(f"{error}; log:\n{log.read_text()[-3000:]}") from None
        finally:
            stop(process)


def set_options(ini: Path, settings: dict[str, str], plugin_settings: dict[str, str]) -> None:
    """What `ckan config-tool` does, without its two seconds of start-up. `settings` must
    be in CKAN's template; `plugin_settings` (which it lacks) go into [app:main]."""
    lines = ini.read_text().splitlines()
    for key, value in settings.items():
        pattern = re.compile(rf"^#?\s*{re.escape(key)}\s*=")
        found = [i for i, line in enumerate(lines) if pattern.match(line)]
        if not found:
            raise KeyError(f"{key} is not in {ini.name}: has CKAN's template changed?")
        lines[found[0]] = f"{key} = {value}"
    app = lines.index("[app:main]")
    lines[app + 1 : app + 1] = [f"{key} = {value}" for key, value in plugin_settings.items()]
    ini.write_text("\n".join(lines) + "\n")


def ckan_config(ini: Path, pg_port: int, redis_port: int, solr_port: int, port: int) -> None:
    folder = ini.parent
    storage = folder / "storage"
    storage.mkdir()
    settings = {
        "sqlalchemy.url": f"postgresql://ckan:ckan@127.0.0.1:{pg_port}/ckan",
        "ckan.site_url": f"http://127.0.0.1:{port}",
        "solr_url": f"http://127.0.0.1:{solr_port}/solr/ckan",
        "ckan.redis.url": f"redis://127.0.0.1:{redis_port}/0",
        "ckan.storage_path": str(storage),
        "ckan.plugins": "datastore",
        "ckan.site_id": "partnerships-test",
    }
    datastore = f"127.0.0.1:{pg_port}/datastore"
    plugin_settings = {
        "ckan.datastore.write_url": f"postgresql://ckan:ckan@{datastore}",
        "ckan.datastore.read_url": f"postgresql://{DATASTORE_READER}:datastore@{datastore}",
        # off by default; the tests query typed dates with SQL
        "ckan.datastore.sqlsearch.enabled": "true",
    }
    set_options(ini, settings, plugin_settings)


def init_db_and_admin(ini: Path) -> str:
    """`ckan db init`, a sysadmin and an API token in one process (each CLI call costs 2 s)."""
    script = f"""
import ckan.model as model
from ckan.cli import load_config
from ckan.config.middleware import make_app
from ckan.plugins import toolkit
app = make_app(load_config({str(ini)!r}))
with app._wsgi_app.test_request_context():
    model.repo.init_db()
    context = {{"ignore_auth": True, "model": model, "user": ""}}
    toolkit.get_action("user_create")(context, {{
        "name": {ADMIN!r}, "email": "publisher@example.org", "password": "publisher-pw-1234"}})
    user = model.User.get({ADMIN!r})
    user.sysadmin = True
    model.Session.commit()
    token = toolkit.get_action("api_token_create")(
        {{"ignore_auth": True, "model": model, "user": {ADMIN!r}}},
        {{"user": {ADMIN!r}, "name": "tests"}})["token"]
    print("TOKEN=" + token)
"""
    out = run([str(CKAN_VENV / "bin" / "python"), "-c", script])
    return next(line[6:] for line in out.splitlines() if line.startswith("TOKEN="))


def create_organization(server: CkanServer) -> None:
    import ckanapi

    with ckanapi.RemoteCKAN(server.url, apikey=server.token) as ckan:
        ckan.action.organization_create(name=server.organization, title="Stadt Dortmund")


@contextlib.contextmanager
def ckan_server(folder: Path) -> Iterator[CkanServer]:
    redis_port, solr_port, port = free_port(), free_port(), free_port()
    schema = next(CKAN_VENV.glob("lib/python3*/site-packages/ckan/config/solr/schema.xml"))
    solr = [sys.executable, str(Path(__file__).with_name("solr_standin.py"))]
    solr += ["--port", str(solr_port), "--schema", str(schema)]
    redis = ["redis-server", "--port", str(redis_port), "--bind", "127.0.0.1"]
    redis += ["--save", "", "--appendonly", "no"]
    ini = folder / "ckan.ini"
    # CKAN's start-up is slow: write its config while PostgreSQL starts
    generate = subprocess.Popen(
        [str(CKAN_VENV / "bin" / "ckan"), "generate", "config", str(ini)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    with (
        postgres() as pg_port,
        background(redis, redis_port, folder / "redis.log", 20),
        background(solr, solr_port, folder / "solr.log", 20),
    ):
        if generate.wait(60) != 0:
            raise RuntimeError("ckan generate config failed")
        ckan_config(ini, pg_port, redis_port, solr_port, port)
        token = init_db_and_admin(ini)
        serve = [str(CKAN_VENV / "bin" / "ckan"), "-c", str(ini), "run"]
        serve += ["-H", "127.0.0.1", "-p", str(port), "--disable-reloader"]
        with background(serve, port, folder / "ckan.log", 120):
            server = CkanServer(f"http://127.0.0.1:{port}", token)
            wait_for_api(server.url, 60)
            create_organization(server)
            yield server


def wait_for_api(url: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/api/3/action/status_show", timeout=5) as answer:
                if answer.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
        time.sleep(0.2)


@pytest.fixture(scope="session")
def ckan(tmp_path_factory) -> Iterator[CkanServer]:
    missing = missing_parts()
    if missing:
        not_installed(", ".join(missing))
    started = time.perf_counter()
    with ckan_server(tmp_path_factory.mktemp("ckan")) as server:
        print(f"CKAN ready in {time.perf_counter() - started:.1f} s")
        yield server


if __name__ == "__main__":
    with tempfile.TemporaryDirectory(prefix="ckan-") as folder, ckan_server(Path(folder)) as server:
        print(server, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            time.sleep(3600)
