"""The embedded cluster against the machine's real PostgreSQL binaries."""

from __future__ import annotations

import os
import pwd
import select
import shutil
import signal
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from minkops.store.cluster import (
    FALLBACK_RUN_USER,
    DataDirNotTraversableError,
    EmbeddedPostgres,
    EmbeddedPostgresError,
    PostgresNotInstalledError,
)

MakeCluster = Callable[[str], EmbeddedPostgres]
REPO_ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def base_dir() -> Iterator[Path]:
    # Not pytest's tmp_path: its 0700 ancestors keep the unprivileged server user out.
    base = Path(tempfile.mkdtemp(prefix="minkops-pg-test-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def make_cluster(base_dir: Path) -> Iterator[MakeCluster]:
    made: list[EmbeddedPostgres] = []

    def make(name: str) -> EmbeddedPostgres:
        cluster = EmbeddedPostgres(base_dir / name, fast=True)
        made.append(cluster)
        return cluster

    yield make
    errors: list[Exception] = []
    for cluster in made:
        try:
            cluster.stop()
        except Exception as error:
            errors.append(error)
    if errors:
        raise errors[0]


async def fetchval(dsn: str, query: str) -> Any:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        return await connection.fetchval(query)
    finally:
        await connection.close()


async def execute(dsn: str, *statements: str) -> None:
    connection = await asyncpg.connect(dsn, timeout=10)
    try:
        for statement in statements:
            await connection.execute(statement)
    finally:
        await connection.close()


def server_user_uid() -> int:
    if os.geteuid() != 0:
        return os.geteuid()
    try:
        return pwd.getpwnam("postgres").pw_uid
    except KeyError:
        return pwd.getpwnam(FALLBACK_RUN_USER).pw_uid


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "minkops.store.cluster", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


async def test_data_survives_stop_and_start_with_the_same_dsn(make_cluster: MakeCluster) -> None:
    cluster = make_cluster("pg")
    dsn = cluster.start()
    assert dsn.startswith("postgresql://minkops:")
    assert dsn.endswith("/minkops")
    assert await fetchval(dsn, "SELECT current_user") == "minkops"
    await execute(dsn, "CREATE TABLE notes (body text)", "INSERT INTO notes VALUES ('kept')")

    cluster.stop()
    assert not cluster.is_running()
    with pytest.raises(OSError):
        await fetchval(dsn, "SELECT 1")
    cluster.stop()  # stopping a stopped cluster is a no-op

    assert cluster.start() == dsn
    assert await fetchval(dsn, "SELECT body FROM notes") == "kept"


async def test_cluster_is_private_and_configured(make_cluster: MakeCluster) -> None:
    cluster = make_cluster("pg")
    dsn = cluster.start()

    data_stat = cluster.data_dir.stat()
    assert stat.S_IMODE(data_stat.st_mode) == 0o700
    assert data_stat.st_uid == server_user_uid()
    assert cluster.cluster_dir.stat().st_uid == server_user_uid()
    assert stat.S_IMODE(cluster.password_path.stat().st_mode) == 0o600
    assert cluster.password_path.read_text().strip() in dsn
    assert cluster.log_path.read_text().strip() != ""

    assert await fetchval(dsn, "SHOW listen_addresses") == "127.0.0.1"
    assert await fetchval(dsn, "SHOW unix_socket_directories") == ""
    assert await fetchval(dsn, "SHOW server_encoding") == "UTF8"
    assert await fetchval(dsn, "SHOW lc_ctype") in {"C.UTF-8", "C"}
    for setting in ("fsync", "synchronous_commit", "full_page_writes"):
        assert await fetchval(dsn, f"SHOW {setting}") == "off"
    assert await fetchval(dsn, "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
    methods = await fetchval(dsn, "SELECT array_agg(DISTINCT auth_method) FROM pg_hba_file_rules")
    assert methods == ["scram-sha-256"]
    with pytest.raises(asyncpg.InvalidPasswordError):
        await fetchval(dsn.replace(cluster.password_path.read_text().strip(), "wrong"), "SELECT 1")


async def test_create_and_drop_database(make_cluster: MakeCluster) -> None:
    with make_cluster("pg") as cluster:
        main_dsn = cluster.dsn()
        dsn = cluster.create_database("case_one")
        assert dsn == main_dsn.rsplit("/", 1)[0] + "/case_one"
        await execute(dsn, "CREATE TABLE only_here (id int)")
        assert await fetchval(dsn, "SELECT current_database()") == "case_one"
        assert await fetchval(main_dsn, "SELECT to_regclass('only_here') IS NULL")

        with pytest.raises(EmbeddedPostgresError, match="already exists"):
            cluster.create_database("case_one")

        held = await asyncpg.connect(dsn, timeout=10)  # dropping disconnects it
        try:
            cluster.drop_database("case_one")
        finally:
            await held.close()
        with pytest.raises(asyncpg.InvalidCatalogNameError):
            await fetchval(dsn, "SELECT 1")
        cluster.drop_database("case_one")  # already gone: no error
    assert not cluster.is_running()


def test_rejects_unsafe_database_names(base_dir: Path) -> None:
    cluster = EmbeddedPostgres(base_dir / "never-started")
    with pytest.raises(ValueError, match="database name"):
        cluster.create_database('x"; DROP DATABASE minkops; --')
    with pytest.raises(ValueError, match="refusing"):
        cluster.drop_database("minkops")
    assert not (base_dir / "never-started").exists()


async def test_start_reuses_a_cluster_left_running_by_another_process(
    make_cluster: MakeCluster,
) -> None:
    cluster = make_cluster("pg")
    started = run_cli("start", str(cluster.data_dir), "--fast")
    assert started.returncode == 0, started.stderr
    dsn = started.stdout.strip()
    pid_before = await fetchval(dsn, "SELECT pg_backend_pid()")
    postmaster_before = (cluster.cluster_dir / "postmaster.pid").read_text()

    assert cluster.start() == dsn
    assert (cluster.cluster_dir / "postmaster.pid").read_text() == postmaster_before
    assert await fetchval(dsn, "SELECT pg_backend_pid()") != pid_before  # it still serves

    shown = run_cli("dsn", str(cluster.data_dir))
    assert (shown.returncode, shown.stdout.strip()) == (0, dsn)
    stopped = run_cli("stop", str(cluster.data_dir))
    assert stopped.returncode == 0, stopped.stderr
    assert not cluster.is_running()
    not_running = run_cli("dsn", str(cluster.data_dir))
    assert not_running.returncode == 1
    assert "not running" in not_running.stderr


async def test_start_recovers_after_the_postmaster_was_killed(make_cluster: MakeCluster) -> None:
    cluster = make_cluster("pg")
    dsn = cluster.start()
    # fast=True defers commits; this one must reach the WAL to survive the crash.
    await execute(dsn, "SET synchronous_commit = on", "CREATE TABLE survivor (id int)")
    pid = int((cluster.cluster_dir / "postmaster.pid").read_text().split()[0])
    pidfd = os.pidfd_open(pid)
    try:
        os.kill(pid, signal.SIGKILL)
        exited, _, _ = select.select([pidfd], [], [], 10)  # readable once it has exited
    finally:
        os.close(pidfd)
    assert exited
    assert not cluster.is_running()  # even while it lingers as a zombie nobody reaps

    assert cluster.start() == dsn
    assert await fetchval(dsn, "SELECT to_regclass('survivor') IS NOT NULL")


async def test_takes_another_port_when_the_remembered_one_is_busy(
    make_cluster: MakeCluster,
) -> None:
    cluster = make_cluster("pg")
    first_dsn = cluster.start()
    await execute(first_dsn, "CREATE TABLE marker (id int)")
    cluster.stop()
    remembered = int(cluster.port_path.read_text())

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as squatter:
        # Our own closed connections may linger in TIME_WAIT on that port.
        squatter.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        squatter.bind(("127.0.0.1", remembered))
        squatter.listen()
        dsn = cluster.start()

    port = int(cluster.port_path.read_text())
    assert port != remembered
    assert f":{port}/" in dsn
    assert await fetchval(dsn, "SELECT to_regclass('marker') IS NOT NULL")


def test_failed_start_reports_the_log_tail(make_cluster: MakeCluster) -> None:
    cluster = make_cluster("pg")
    cluster.start()
    cluster.stop()
    with (cluster.cluster_dir / "postgresql.conf").open("a") as conf:
        conf.write("\nshared_buffers = 'plenty'\n")

    with pytest.raises(EmbeddedPostgresError) as raised:
        cluster.start()
    message = str(raised.value)
    assert "pg_ctl start failed" in message
    assert f"tail of {cluster.log_path}" in message
    assert "shared_buffers" in message  # the server's own complaint, from the log
    assert not cluster.is_running()


def test_failure_after_the_server_started_stops_it(make_cluster: MakeCluster) -> None:
    cluster = make_cluster("pg")
    cluster.start()
    cluster.stop()
    cluster.password_path.write_text("not-the-password\n")

    with pytest.raises(EmbeddedPostgresError, match="password authentication failed"):
        cluster.start()
    assert not cluster.is_running()


@pytest.mark.skipif(os.geteuid() != 0, reason="the server runs as the current user")
def test_untraversable_ancestor_is_named(base_dir: Path) -> None:
    locked = Path(tempfile.mkdtemp(dir=base_dir))  # 0700, owned by root
    data_dir = locked / "state" / "pg"
    with pytest.raises(DataDirNotTraversableError) as raised:
        EmbeddedPostgres(data_dir, fast=True).start()
    assert raised.value.directory == locked
    assert str(locked) in str(raised.value)
    assert not (locked / "state").exists()


def test_missing_binaries_say_what_to_install(
    base_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MINKOPS_PG_BIN", str(base_dir))
    with pytest.raises(PostgresNotInstalledError, match="Debian package `postgresql`"):
        EmbeddedPostgres(base_dir / "pg")
