"""A throwaway PostgreSQL cluster for tests and benchmarks: initdb in a temporary folder,
a free port on 127.0.0.1, password authentication (so a wrong password can be tested).

PostgreSQL refuses to run as root: as root, the server runs as the ``postgres`` user and
the folder is given to it.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import psycopg

PASSWORD = "hq-test-secret"


def find_bin(name: str) -> Path | None:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return Path(found[-1])
    which = shutil.which(name)
    return Path(which) if which else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    def __init__(self, root: Path | None = None) -> None:
        initdb = find_bin("initdb")
        if initdb is None:
            raise RuntimeError("PostgreSQL is not installed: no initdb in "
                               "/usr/lib/postgresql/*/bin or on PATH (apt-get install -y "
                               "postgresql)")
        self.bin = initdb.parent
        self.root = Path(root or tempfile.mkdtemp(prefix="queueapp-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.as_postgres = os.geteuid() == 0
        if self.as_postgres:
            pg = pwd.getpwnam("postgres")
            os.chown(self.root, pg.pw_uid, pg.pw_gid)
        self.root.chmod(0o700)

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(a) for a in args]
        if self.as_postgres:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=120)

    def init(self) -> Cluster:
        pwfile = self.root / "pw"
        pwfile.write_text(PASSWORD + "\n")
        if self.as_postgres:
            pg = pwd.getpwnam("postgres")
            os.chown(pwfile, pg.pw_uid, pg.pw_gid)
        self._run(self.bin / "initdb", "-D", self.data, "-U", "postgres",
                  "--auth=scram-sha-256", f"--pwfile={pwfile}", "-E", "UTF8",
                  "--no-instructions")
        return self

    def start(self, durable: bool = False) -> None:
        """``durable``: PostgreSQL's own defaults (benchmarks); else no fsync (tests)."""
        opts = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
        if not durable:
            opts += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run(self.bin / "pg_ctl", "-D", self.data, "-l", self.root / "log", "-o", opts,
                  "-w", "start")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._run(self.bin / "pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")

    def destroy(self) -> None:
        try:
            self.stop()
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, db: str = "postgres", password: str = PASSWORD) -> str:
        return f"postgresql://postgres:{password}@127.0.0.1:{self.port}/{db}"

    def new_database(self) -> str:
        """A fresh, empty database: its URL."""
        name = "t_" + uuid.uuid4().hex[:12]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)
