"""A throw-away PostgreSQL 15 cluster for tests: initdb in a temp dir, a free port, its unix socket in
the temp dir, stopped afterwards. As root (CI) the server runs as the `postgres` OS user, since
PostgreSQL refuses to run as root."""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = Path(os.environ.get("WUDU_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user():
    if os.geteuid() != 0:
        return None, None
    pw = pwd.getpwnam("postgres")

    def demote():
        os.setgid(pw.pw_gid)
        os.setuid(pw.pw_uid)

    return demote, pw


@contextmanager
def postgres_server() -> Iterator[str]:
    """Yields a superuser SQLAlchemy URL (user `wudu_admin`, trust auth on the socket and loopback)."""
    if not (PG_BIN / "initdb").exists():
        raise RuntimeError(f"PostgreSQL server binaries not found in {PG_BIN} (apt-get install postgresql-15)")
    demote, pw = _as_server_user()
    root = Path(tempfile.mkdtemp(prefix="wudu-pg-"))
    data, sock = root / "data", root / "sock"
    sock.mkdir()
    if pw:
        for p in (root, sock):
            os.chown(p, pw.pw_uid, pw.pw_gid)
    port = _free_port()
    env = dict(os.environ, LC_ALL="C.UTF-8", LANG="C.UTF-8")
    run = dict(preexec_fn=demote, env=env, cwd=root, check=True, capture_output=True, text=True)
    try:
        subprocess.run([str(PG_BIN / "initdb"), "-D", str(data), "-U", "wudu_admin", "--auth=trust",
                        "--encoding=UTF8", "--no-sync"], **run)
        subprocess.run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(root / "log"), "-w", "-t", "60",
                        "-o", f"-p {port} -k {sock} -c listen_addresses=127.0.0.1 -c fsync=off", "start"], **run)
        yield f"postgresql+psycopg://wudu_admin@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run([str(PG_BIN / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           preexec_fn=demote, env=env, cwd=root, capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
