"""A private PostgreSQL cluster in one directory, for when DATABASE_URL is unset and for tests.

Layout of the data dir (owned by the user the server runs as, mode 0700):

    cluster/       PGDATA, made by initdb (first into cluster.init/, renamed when complete)
    password       the superuser's password, mode 0600
    port           the TCP port chosen at first start
    postgres.log   the server's log, plus the output of initdb and pg_ctl
    .lock          serializes start/stop between processes

The server listens on 127.0.0.1 only and has no unix socket: socket paths are limited to
107 characters and temporary directories get long.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import functools
import os
import pwd
import re
import secrets
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

SUPERUSER = "minkops"
MAIN_DATABASE = "minkops"
FALLBACK_RUN_USER = "minkops-pg"
HOST = "127.0.0.1"

_DEBIAN_PG_ROOT = Path("/usr/lib/postgresql")
_SERVER_PROGRAMS = ("initdb", "pg_ctl", "postgres")
_INITDB_TIMEOUT_S = 120
_PG_CTL_TIMEOUT_S = 60
_PSQL_TIMEOUT_S = 30
_PORT_ATTEMPTS = 3
_LOG_TAIL_BYTES = 4000
_DATABASE_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,62}")
_PROTECTED_DATABASES = frozenset({MAIN_DATABASE, "postgres", "template0", "template1"})


class EmbeddedPostgresError(RuntimeError):
    """The embedded cluster could not be set up, started, stopped or queried."""


class PostgresNotInstalledError(EmbeddedPostgresError):
    """No PostgreSQL server binaries were found on this machine."""


class DataDirNotTraversableError(EmbeddedPostgresError):
    """The user the server runs as cannot reach the data dir through one of its ancestors."""

    def __init__(self, directory: Path, user: str) -> None:
        self.directory = directory
        self.user = user
        super().__init__(
            f"PostgreSQL runs as user {user!r}, which cannot enter {directory}: every ancestor "
            f"of the data dir must be traversable by it (e.g. `chmod o+x {directory}`), "
            "or choose a data dir elsewhere"
        )


def find_pg_bin() -> Path:
    """The directory holding initdb, pg_ctl and postgres.

    $MINKOPS_PG_BIN if set, else `pg_config --bindir`, else the newest /usr/lib/postgresql/*/bin.
    """
    override = os.environ.get("MINKOPS_PG_BIN")
    if override:
        if _has_server_programs(Path(override)):
            return Path(override)
        raise PostgresNotInstalledError(
            f"MINKOPS_PG_BIN={override} does not hold {', '.join(_SERVER_PROGRAMS)}; point it "
            "at the directory of the PostgreSQL server binaries, or unset it after installing "
            "the Debian package `postgresql` (apt-get install postgresql)"
        )
    from_pg_config = _pg_config_bindir()
    if from_pg_config is not None and _has_server_programs(from_pg_config):
        return from_pg_config
    for candidate in sorted(_DEBIAN_PG_ROOT.glob("*/bin"), key=_version_key, reverse=True):
        if _has_server_programs(candidate):
            return candidate
    raise PostgresNotInstalledError(
        "No PostgreSQL server binaries found (looked at $MINKOPS_PG_BIN, `pg_config --bindir` "
        f"and {_DEBIAN_PG_ROOT}/*/bin). Install the Debian package `postgresql` "
        "(apt-get install postgresql), or set MINKOPS_PG_BIN to the directory holding "
        "initdb, pg_ctl and postgres, or set DATABASE_URL to use an existing server."
    )


def _has_server_programs(directory: Path) -> bool:
    return all(os.access(directory / name, os.X_OK) for name in _SERVER_PROGRAMS)


def _pg_config_bindir() -> Path | None:
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    try:
        result = subprocess.run(
            [pg_config, "--bindir"], capture_output=True, text=True, timeout=10, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    bindir = result.stdout.strip()
    return Path(bindir) if bindir else None


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    parts = bin_dir.parent.name.split(".")
    return tuple(int(part) for part in parts) if all(p.isdigit() for p in parts) else (-1,)


@dataclass(frozen=True)
class _RunAs:
    """The unprivileged user that runs initdb, pg_ctl and the server."""

    name: str
    uid: int
    gid: int
    groups: frozenset[int]
    command_prefix: tuple[str, ...]

    @property
    def switches_user(self) -> bool:
        return bool(self.command_prefix)

    def can_traverse(self, directory: Path) -> bool:
        st = directory.stat()
        if st.st_uid == self.uid:
            return bool(st.st_mode & stat.S_IXUSR)
        if st.st_gid in self.groups:
            return bool(st.st_mode & stat.S_IXGRP)
        return bool(st.st_mode & stat.S_IXOTH)


def _current_user() -> _RunAs:
    uid, gid = os.geteuid(), os.getegid()
    try:
        name = pwd.getpwuid(uid).pw_name
    except KeyError:  # containers run with uids that have no passwd entry
        name = str(uid)
    return _RunAs(name, uid, gid, frozenset({gid, *os.getgroups()}), ())


def _unprivileged_user() -> _RunAs:
    """PostgreSQL refuses to run as root: run it as `postgres`, else as a system user we add."""
    name = "postgres" if _user_exists("postgres") else FALLBACK_RUN_USER
    if not _user_exists(name):
        _add_system_user(name)
    entry = pwd.getpwnam(name)
    runuser = _system_tool("runuser")
    return _RunAs(
        name,
        entry.pw_uid,
        entry.pw_gid,
        frozenset(os.getgrouplist(name, entry.pw_gid)),
        (runuser, "-u", name, "--"),
    )


def _user_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def _add_system_user(name: str) -> None:
    useradd = _system_tool("useradd")
    command = [useradd, "--system", "--user-group", "--no-create-home"]
    command += ["--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", name]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    if result.returncode != 0 and not _user_exists(name):  # exists: another process won
        raise EmbeddedPostgresError(
            f"could not add system user {name!r} to run PostgreSQL: {result.stderr.strip()}"
        )


def _system_tool(name: str) -> str:
    for candidate in (shutil.which(name), f"/usr/sbin/{name}", f"/sbin/{name}"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    raise EmbeddedPostgresError(f"`{name}` not found; it is needed to run PostgreSQL as non-root")


@dataclass(frozen=True)
class _ServerState:
    """What a live postmaster wrote in postmaster.pid."""

    pid: int
    port: int | None
    status: str


def _pid_is_live_postgres(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass  # exists, belongs to another user
    try:
        proc_stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return not Path("/proc/self").exists()
    # A stale pid may be reused by another program; a killed postmaster may be an unreaped zombie.
    command = proc_stat[proc_stat.index("(") + 1 : proc_stat.rindex(")")]
    state = proc_stat[proc_stat.rindex(")") + 2 :][:1]
    return command in {"postgres", "postmaster"} and state not in {"Z", "X"}


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # Like the postmaster, so that our own connections in TIME_WAIT do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((HOST, port))
        except OSError:
            return False
    return True


@functools.cache
def _initdb_locale() -> str:
    try:
        result = subprocess.run(
            ["locale", "-a"], capture_output=True, text=True, timeout=10, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return "C"
    names = {line.strip().lower() for line in result.stdout.splitlines()}
    return "C.UTF-8" if names & {"c.utf8", "c.utf-8"} else "C"


def _child_env() -> dict[str, str]:
    # PGDATA, PGPORT, PGHOST… from the caller's shell must not steer our cluster.
    env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


class EmbeddedPostgres:
    """A PostgreSQL cluster living in `data_dir`, started on demand and reused afterwards."""

    def __init__(
        self, data_dir: Path, *, fast: bool = False, statement_stats: bool = False
    ) -> None:
        self.data_dir = Path(data_dir).resolve()
        self.fast = fast
        # pg_stat_statements, for tests and benchmarks that count round trips per message.
        self.statement_stats = statement_stats
        self.bin_dir = find_pg_bin()

    @property
    def cluster_dir(self) -> Path:
        return self.data_dir / "cluster"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "postgres.log"

    @property
    def password_path(self) -> Path:
        return self.data_dir / "password"

    @property
    def port_path(self) -> Path:
        return self.data_dir / "port"

    @functools.cached_property
    def _run_as(self) -> _RunAs:
        return _unprivileged_user() if os.geteuid() == 0 else _current_user()

    def __enter__(self) -> EmbeddedPostgres:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def start(self) -> str:
        """Start the cluster (initdb on first use) or reuse a running one; return the DSN."""
        self._prepare_data_dir()
        with self._locked():
            launched = False
            if self._wait_until_ready() is None:
                if not self.cluster_dir.is_dir():
                    self._initdb()
                self._launch()
                launched = True
            try:
                self._ensure_main_database()
            except BaseException:
                if launched:
                    self._stop_quietly()
                raise
        return self.dsn()

    def stop(self) -> None:
        """Stop the cluster if it runs (`pg_ctl stop -m fast`), whoever started it."""
        if not self.data_dir.is_dir():
            return
        with self._locked():
            if self._server_state() is None:
                return
            self._pg_ctl_stop("fast")

    def postmaster_pid(self) -> int:
        """The running postmaster's pid: the root of every backend's CPU time."""
        state = self._server_state()
        if state is None:
            raise EmbeddedPostgresError(f"the cluster in {self.data_dir} is not running")
        return state.pid

    def is_running(self) -> bool:
        return self._server_state() is not None

    def dsn(self, dbname: str = MAIN_DATABASE) -> str:
        """The superuser DSN of `dbname` on the running cluster."""
        state = self._server_state()
        if state is None or state.port is None:
            raise EmbeddedPostgresError(f"the cluster in {self.data_dir} is not running")
        return f"postgresql://{SUPERUSER}:{self._password()}@{HOST}:{state.port}/{dbname}"

    def create_database(self, name: str) -> str:
        """Create an empty database and return its DSN."""
        _check_database_name(name)
        self._psql(f'CREATE DATABASE "{name}"')
        return self.dsn(name)

    def drop_database(self, name: str) -> None:
        """Drop a database made by create_database, disconnecting its sessions."""
        _check_database_name(name)
        if name in _PROTECTED_DATABASES:
            raise ValueError(f"refusing to drop the cluster's own database {name!r}")
        self._psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    # --- data dir -------------------------------------------------------------------------

    def _prepare_data_dir(self) -> None:
        run_as = self._run_as
        if not run_as.switches_user:
            self.data_dir.mkdir(parents=True, exist_ok=True)
            self.data_dir.chmod(0o700)
            return
        missing = [p for p in (self.data_dir, *self.data_dir.parents) if not p.exists()]
        for ancestor in reversed(self.data_dir.parents):
            if ancestor.exists() and not run_as.can_traverse(ancestor):
                raise DataDirNotTraversableError(ancestor, run_as.name)
        for directory in reversed(missing):
            directory.mkdir()
            # Directories we create are ours to open up, whatever the umask says.
            directory.chmod(0o700 if directory == self.data_dir else 0o755)
        if self.data_dir.stat().st_uid != run_as.uid:
            self._chown_tree(self.data_dir)
        self.data_dir.chmod(0o700)

    def _chown_tree(self, root: Path) -> None:
        uid, gid = self._run_as.uid, self._run_as.gid
        os.chown(root, uid, gid, follow_symlinks=False)
        for directory, dirnames, filenames in os.walk(root):
            for name in (*dirnames, *filenames):
                os.chown(os.path.join(directory, name), uid, gid, follow_symlinks=False)

    def _open_owned(self, path: Path, flags: int, mode: int) -> int:
        """Open a file in the data dir, owned by the server's user when we are root."""
        fd = os.open(path, flags | os.O_CREAT, mode)
        if self._run_as.switches_user:
            os.fchown(fd, self._run_as.uid, self._run_as.gid)
        return fd

    def _write_owned(self, path: Path, text: str, mode: int) -> None:
        fd = self._open_owned(path, os.O_WRONLY | os.O_TRUNC, mode)
        with os.fdopen(fd, "w") as file:
            os.fchmod(fd, mode)
            file.write(text)

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        fd = self._open_owned(self.data_dir / ".lock", os.O_RDWR, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            yield
        finally:
            os.close(fd)

    def _password(self) -> str:
        try:
            return self.password_path.read_text().strip()
        except FileNotFoundError:
            raise EmbeddedPostgresError(
                f"{self.password_path} is missing; the cluster in {self.data_dir} cannot be "
                "reached without it (delete the data dir to start over)"
            ) from None

    # --- server lifecycle -----------------------------------------------------------------

    def _initdb(self) -> None:
        staging = self.data_dir / "cluster.init"
        if staging.exists():  # left by an initdb that was interrupted
            shutil.rmtree(staging)
        self._write_owned(self.password_path, secrets.token_urlsafe(24) + "\n", 0o600)
        command = [str(self.bin_dir / "initdb"), "-D", str(staging), "-U", SUPERUSER]
        command += ["--pwfile", str(self.password_path), "--auth", "scram-sha-256"]
        command += ["--encoding", "UTF8", "--locale", _initdb_locale()]
        if self.fast:
            command.append("--no-sync")
        self._run(command, timeout=_INITDB_TIMEOUT_S, what="initdb")
        # A cluster dir only ever appears complete, so a crash mid-initdb is retried cleanly.
        staging.rename(self.cluster_dir)

    def _launch(self) -> None:
        self._remove_stale_pid_file()
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            port = self._choose_port()
            log_offset = self._log_size()
            command = [str(self.bin_dir / "pg_ctl"), "start", "-D", str(self.cluster_dir)]
            command += ["-l", str(self.log_path), "-w", "-t", str(_PG_CTL_TIMEOUT_S)]
            command += ["-o", self._server_options(port)]
            try:
                self._run(command, timeout=_PG_CTL_TIMEOUT_S + 30, what="pg_ctl start")
                return
            except EmbeddedPostgresError:
                self._stop_quietly()  # pg_ctl -w can give up on a server that lives on
                lost_port_race = "could not bind" in self._log_since(log_offset)
                if not lost_port_race or attempt == _PORT_ATTEMPTS:
                    raise
                self.port_path.unlink(missing_ok=True)

    def _remove_stale_pid_file(self) -> None:
        # The server itself refuses to start while the pid in postmaster.pid answers kill(),
        # which an unreaped zombie (containers without an init) or a reused pid does.
        pid_file = self.cluster_dir / "postmaster.pid"
        try:
            pid = pid_file.read_text().split("\n", 1)[0].strip()
        except FileNotFoundError:
            return
        if pid.isdigit() and not _pid_is_live_postgres(int(pid)):
            pid_file.unlink()
            self._append_log("minkops", f"removed stale postmaster.pid (pid {pid} is gone)")

    def _server_options(self, port: int) -> str:
        options = ["-p", str(port), "-c", f"listen_addresses={HOST}"]
        options += ["-c", "unix_socket_directories="]
        if self.fast:
            options += ["-c", "fsync=off", "-c", "synchronous_commit=off"]
            options += ["-c", "full_page_writes=off"]
        if self.statement_stats:
            options += ["-c", "shared_preload_libraries=pg_stat_statements"]
        # pg_ctl hands these to /bin/sh.
        return " ".join(shlex.quote(option) for option in options)

    def _choose_port(self) -> int:
        try:
            remembered: int | None = int(self.port_path.read_text())
        except (FileNotFoundError, ValueError):
            remembered = None
        if remembered is not None and _port_is_free(remembered):
            return remembered
        port = _free_port()
        self._write_owned(self.port_path, f"{port}\n", 0o600)
        return port

    def _server_state(self) -> _ServerState | None:
        try:
            lines = (self.cluster_dir / "postmaster.pid").read_text().splitlines()
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not lines or not lines[0].strip().isdigit():
            return None  # being written right now, or garbage
        pid = int(lines[0])
        if not _pid_is_live_postgres(pid):
            return None
        port = int(lines[3]) if len(lines) > 3 and lines[3].strip().isdigit() else None
        status = lines[7].strip() if len(lines) > 7 else "starting"
        return _ServerState(pid, port, status)

    def _wait_until_ready(self) -> int | None:
        """Port of a server already running here (once it accepts connections), else None."""
        deadline = time.monotonic() + _PG_CTL_TIMEOUT_S
        while True:
            state = self._server_state()
            if state is None:
                return None
            if state.status == "ready" and state.port is not None:
                return state.port
            if time.monotonic() > deadline:
                raise self._error(
                    f"a server (pid {state.pid}) runs in {self.cluster_dir} but stayed "
                    f"{state.status!r} for {_PG_CTL_TIMEOUT_S}s"
                )
            time.sleep(0.05)  # pg_ctl -w polls postmaster.pid the same way

    def _pg_ctl_stop(self, mode: str) -> None:
        command = [str(self.bin_dir / "pg_ctl"), "stop", "-D", str(self.cluster_dir)]
        command += ["-m", mode, "-w", "-t", str(_PG_CTL_TIMEOUT_S)]
        self._run(command, timeout=_PG_CTL_TIMEOUT_S + 30, what=f"pg_ctl stop -m {mode}")

    def _stop_quietly(self) -> None:
        """Best effort on a failure path: the original error is the one to report."""
        for mode in ("fast", "immediate"):
            if self._server_state() is None:
                return
            with contextlib.suppress(EmbeddedPostgresError):
                self._pg_ctl_stop(mode)

    def _ensure_main_database(self) -> None:
        query = f"SELECT 1 FROM pg_database WHERE datname = '{MAIN_DATABASE}'"
        if self._psql(query).strip() != "1":
            self._psql(f'CREATE DATABASE "{MAIN_DATABASE}"')

    # --- subprocesses ---------------------------------------------------------------------

    def _run(self, command: list[str], *, timeout: float, what: str) -> None:
        """Run a server program as the server's user; its output goes to the log."""
        process = subprocess.Popen(
            [*self._run_as.command_prefix, *command],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            env=_child_env(),
            cwd=self.data_dir,
            start_new_session=True,  # so a timeout can kill runuser and its child together
        )
        try:
            output, _ = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            output, _ = process.communicate()
            self._append_log(what, output)
            raise self._error(f"{what} timed out after {timeout:.0f}s") from None
        self._append_log(what, output)
        if process.returncode != 0:
            raise self._error(f"{what} failed with exit code {process.returncode}")

    def _psql(self, sql: str, dbname: str = "postgres") -> str:
        state = self._server_state()
        if state is None or state.port is None:
            raise EmbeddedPostgresError(f"the cluster in {self.data_dir} is not running")
        command = [self._psql_path(), "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"]
        command += ["-h", HOST, "-p", str(state.port), "-U", SUPERUSER, "-d", dbname, "-c", sql]
        env = _child_env() | {"PGPASSWORD": self._password(), "PGCONNECT_TIMEOUT": "10"}
        try:
            result = subprocess.run(
                command,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                env=env,
                timeout=_PSQL_TIMEOUT_S,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise self._error(f"psql timed out after {_PSQL_TIMEOUT_S}s running {sql!r}") from None
        if result.returncode != 0:
            raise self._error(f"{sql!r} failed: {result.stderr.strip()}")
        return result.stdout

    def _psql_path(self) -> str:
        candidate = self.bin_dir / "psql"
        if os.access(candidate, os.X_OK):
            return str(candidate)
        found = shutil.which("psql")
        if found is None:
            raise PostgresNotInstalledError(
                "psql not found; install the Debian package `postgresql-client`"
            )
        return found

    # --- log ------------------------------------------------------------------------------

    def _append_log(self, what: str, output: str) -> None:
        if not output:
            return
        fd = self._open_owned(self.log_path, os.O_WRONLY | os.O_APPEND, 0o600)
        with os.fdopen(fd, "a") as log:
            log.write(f"--- {what} ---\n{output}")
            if not output.endswith("\n"):
                log.write("\n")

    def _log_size(self) -> int:
        try:
            return self.log_path.stat().st_size
        except FileNotFoundError:
            return 0

    def _log_since(self, offset: int) -> str:
        try:
            with self.log_path.open("rb") as log:
                log.seek(offset)
                return log.read().decode(errors="replace")
        except FileNotFoundError:
            return ""

    def _log_tail(self) -> str:
        return self._log_since(max(0, self._log_size() - _LOG_TAIL_BYTES))

    def _error(self, message: str) -> EmbeddedPostgresError:
        tail = self._log_tail().rstrip() or "(empty)"
        return EmbeddedPostgresError(f"{message}\n--- tail of {self.log_path} ---\n{tail}")


def _check_database_name(name: str) -> None:
    if not _DATABASE_NAME.fullmatch(name):
        raise ValueError(f"database name {name!r} must match {_DATABASE_NAME.pattern}")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m minkops.store.cluster",
        description="Start, stop or locate the embedded PostgreSQL cluster in DATA_DIR.",
    )
    parser.add_argument("command", choices=("start", "stop", "dsn"))
    parser.add_argument("data_dir", type=Path, metavar="DATA_DIR")
    parser.add_argument("--fast", action="store_true", help="no fsync (throwaway clusters)")
    args = parser.parse_args(argv)
    try:
        cluster = EmbeddedPostgres(args.data_dir, fast=args.fast)
        if args.command == "start":
            print(cluster.start())
        elif args.command == "stop":
            cluster.stop()
        else:
            print(cluster.dsn())
    except EmbeddedPostgresError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
