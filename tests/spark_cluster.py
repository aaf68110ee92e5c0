"""A real Spark standalone cluster for the Spark tier: one master and N workers on 127.0.0.1,
started from the pyspark wheel's own `spark-class` (no download, no jar from outside), on free
ports, with small memory and a temporary work dir; stopped (process groups killed) when done."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

JAVA_HOME_CANDIDATES = ("/usr/lib/jvm/java-17-openjdk-amd64", "/usr/lib/jvm/java-17-openjdk-arm64")


def java_home() -> str | None:
    if os.environ.get("JAVA_HOME"):
        return os.environ["JAVA_HOME"]
    for c in JAVA_HOME_CANDIDATES:
        if Path(c, "bin", "java").exists():
            return c
    java = shutil.which("java")
    return str(Path(java).resolve().parents[1]) if java else None


def spark_home() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class SparkCluster:
    master_url: str
    work_dir: Path
    procs: list[subprocess.Popen] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)

    def log_tail(self, n: int = 30) -> str:
        return "\n".join(f"--- {p.name}\n" + "\n".join(p.read_text(errors="replace").splitlines()[-n:])
                         for p in self.logs if p.exists())


def _wait_for(log: Path, text: str, proc: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and text in log.read_text(errors="replace"):
            return
        if proc.poll() is not None:
            raise RuntimeError(f"{log.name}: process exited ({proc.returncode}):\n{log.read_text(errors='replace')[-3000:]}")
        time.sleep(0.5)
    raise TimeoutError(f"{log.name}: no '{text}' after {timeout:.0f}s:\n{log.read_text(errors='replace')[-3000:]}")


def _stop(procs: list[subprocess.Popen]) -> None:
    for p in reversed(procs):
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
    for p in reversed(procs):
        try:
            p.wait(timeout=20)
        except subprocess.TimeoutExpired:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            p.wait(timeout=10)


@contextmanager
def standalone_cluster(work_dir: Path, workers: int = 2, cores: int = 1, memory: str = "1g",
                       timeout: float = 180):
    """Master + `workers` workers (each `cores` cores, `memory` for executors); yields SparkCluster."""
    work_dir.mkdir(parents=True, exist_ok=True)
    home = spark_home()
    env = dict(os.environ, SPARK_HOME=str(home), SPARK_LOG_DIR=str(work_dir / "logs"),
               SPARK_WORKER_DIR=str(work_dir / "work"), SPARK_LOCAL_DIRS=str(work_dir / "local"),
               SPARK_DAEMON_MEMORY="256m", SPARK_NO_DAEMONIZE="1")
    if java_home():
        env["JAVA_HOME"] = java_home()
    spark_class = str(home / "bin" / "spark-class")
    port, ui = free_port(), free_port()
    cluster = SparkCluster(master_url=f"spark://127.0.0.1:{port}", work_dir=work_dir)

    def start(name: str, args: list[str]) -> tuple[subprocess.Popen, Path]:
        log = work_dir / f"{name}.log"
        fh = open(log, "w")
        proc = subprocess.Popen([spark_class, *args], env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)  # own process group: stopped as a whole
        fh.close()
        cluster.procs.append(proc)
        cluster.logs.append(log)
        return proc, log

    try:
        master, log = start("master", ["org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                                        "--port", str(port), "--webui-port", str(ui)])
        _wait_for(log, "I have been elected leader", master, timeout)
        for i in range(workers):
            w_dir = work_dir / f"worker{i}"
            w_dir.mkdir(exist_ok=True)
            worker, wlog = start(f"worker{i}", ["org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                                               "--port", str(free_port()), "--webui-port", str(free_port()),
                                               "--cores", str(cores), "--memory", memory,
                                               "--work-dir", str(w_dir), cluster.master_url])
            _wait_for(wlog, "Successfully registered with master", worker, timeout)
        yield cluster
    finally:
        _stop(cluster.procs)
