"""The dbt project as Dagster assets, partitioned daily: each run passes its partition window to
dbt as vars, so incremental models rebuild exactly those days and dims rebuild from snapshots.
Nothing happens at import: `wudu_dbt_project()` and `build_dbt_assets()` are called by the
Definitions loader."""

import contextlib
import json
import os
import shutil
import signal
import subprocess
import uuid
from collections import Counter
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.dbt_project import using_dagster_dev
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration.partitions import backfill_policy, daily_partitions, window_days
from orchestration.resources import WAREHOUSE_POOL, WarehouseResource, dbt_executable
from orchestration.run_guard import raise_if_stopped, stop_requested
from transforms.blocking import blocking_problems, paragraph

DBT_PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
DBT_BUILTIN_TESTS = ("not_null", "unique", "accepted_values", "relationships")
# dagster-dbt gives every invocation its own target folder (dbt_project/target/<op>-<run>-<id>, ≈ 24 MB:
# manifest, run_results, compiled SQL, dbt.log); a year of nights would leave ≈ 9 GB there
PARTIAL_PARSE = "partial_parse.msgpack"
DBT_TARGETS_KEPT = int(os.environ.get("WUDU_DBT_TARGETS_KEEP", "14"))
# what `dbt parse` reads: a file changed after the manifest means Dagster's assets and checks were
# built from an older project than the one dbt will run
PROJECT_SOURCES = ("models", "macros", "tests", "seeds", "dbt_project.yml")


def prepare_if_dev(project: DbtProject) -> None:
    """Under `dagster dev`, re-parse the project with the venv's dbt (whatever PATH the shell has),
    so model edits show up on reload; elsewhere the manifest from `make setup` is used as is.
    (DbtProject.prepare_if_dev would run whichever `dbt` is first on PATH.)"""
    if using_dagster_dev():
        subprocess.run([dbt_executable(), "parse", "--quiet", "--profiles-dir", str(project.profiles_dir),
                        "--target-path", str(project.target_path)], cwd=project.project_dir, check=True)


def manifest_out_of_date(project: DbtProject) -> list[str]:
    """The project files changed after the manifest the dbt assets were built from. With any, dbt
    would report nodes Dagster does not know: the step failed half-way through the build (a KeyError
    on a new test) and its retries met the still-running dbt holding the build file."""
    built = Path(project.manifest_path).stat().st_mtime
    root = Path(project.project_dir)
    newer = []
    for name in PROJECT_SOURCES:
        path = root / name
        for f in [path] if path.is_file() else path.rglob("*"):
            if f.is_file() and f.stat().st_mtime > built:
                newer.append(str(f.relative_to(root)))
    return sorted(newer)


def run_results(target_path: Path) -> list[dict] | None:
    """The nodes of a dbt invocation's run_results.json; None when dbt wrote none (stopped before any node)."""
    try:
        return json.loads((Path(target_path) / "run_results.json").read_text(encoding="utf-8"))["results"]
    except (OSError, KeyError, ValueError):
        return None


# a DuckDB file another process writes: the one failure of a dbt build that waiting can cure
TRANSIENT_DBT_ERRORS = ("Could not set lock on file", "Conflicting lock is held")


def permanent_dbt_failure(target_path: Path) -> str | None:
    """What a failed dbt build reported, when a retry of the step would fail the same way: models
    that errored, data tests that failed or errored (the same data and SQL give the same result —
    at city scale each retry of a backfill's window costs the whole build again). None when a retry
    can help: the build file locked by another writer, or no node ran (no run_results.json)."""
    results = run_results(target_path)
    if results is None:
        return None
    failed = [r for r in results if r.get("status") in ("error", "fail", "runtime error")]
    if not failed or any(t in (r.get("message") or "") for r in failed for t in TRANSIENT_DBT_ERRORS):
        return None
    skipped = sum(r.get("status") == "skipped" for r in results)
    named = "; ".join(f"{r['unique_id'].split('.')[-1]} ({r['status']}: {_reason(r.get('message'))})" for r in failed[:5])
    return (f"dbt build failed on {len(failed)} node(s), {skipped} skipped after them: {named}"
            f"{' …' if len(failed) > 5 else ''}. Not retried: a test or model that failed on these days fails again "
            "on them (only a build file locked by another writer is retried). Mend it — the test's Fix in the dbt YAML, "
            "docs/operations.md, or disk and memory for an IO or Out of Memory error — then run the window again.")


def _reason(message: str | None) -> str:
    """The line of a dbt node's message that says why (not dbt's 'Runtime Error in model …' header)."""
    lines = [line.strip() for line in (message or "").splitlines() if line.strip()]
    said = [line for line in lines if not line.endswith(")") or " Error in " not in line]
    return ((said or lines or ["no message"])[0])[:200]


def stop_dbt(process: subprocess.Popen, timeout: float = 60) -> None:
    """End a dbt process the step no longer reads (the step failed while dbt was running): as Ctrl-C
    would (dbt ends its open statement), then killed if it does not end in `timeout` seconds (also when
    it ignores Ctrl-C: started from a background shell, a process inherits Ctrl-C ignored). A dbt left
    running keeps writing the build file and holds DuckDB's lock against the step's retries."""
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def wudu_dbt_project() -> DbtProject:
    return DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)


def prune_targets(target_path: Path, keep: int = DBT_TARGETS_KEPT) -> list[Path]:
    """Delete all but the `keep` newest invocation folders beside `target_path` (its own included),
    only those of this op (`<op name>-…`), never dbt's own files in target/."""
    target_path = Path(target_path)
    prefix = target_path.name.split("-")[0] + "-"
    mine = [p for p in target_path.parent.glob(prefix + "*") if p.is_dir()]
    old = sorted(mine, key=lambda p: p.stat().st_mtime, reverse=True)[keep:]
    for p in old:
        if p != target_path:
            shutil.rmtree(p, ignore_errors=True)
    return old


@contextlib.contextmanager
def window_env(min_day: str, max_day: str):
    """The run's window for dbt (macros/window.sql) as WUDU_MIN_DAY / WUDU_MAX_DAY, not --vars: dbt
    re-parses the whole project whenever --vars change, which every night's new window would."""
    saved = {k: os.environ.get(k) for k in ("WUDU_MIN_DAY", "WUDU_MAX_DAY")}
    os.environ.update(WUDU_MIN_DAY=min_day, WUDU_MAX_DAY=max_day)
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def parse_state_path(build_dir: Path, target: str) -> Path:
    """Where a build file keeps its dbt parse state between nights: beside it, one per dbt target.
    dbt discards a state parsed with another profile, and the build file's path is part of the
    profile — one state shared by every data directory of a checkout (dbt_project/target/) was
    discarded whenever two directories took turns (two test workers; a demo and a district)."""
    return Path(build_dir) / f"dbt_parse_state.{target}.msgpack"


def new_target_path(project: DbtProject, op_name: str, run_id: str) -> Path:
    """A new invocation folder under dbt_project/target/, named as dagster-dbt names its own
    (`<op>-<run>-<id>`: prune_targets reads the op from it)."""
    return Path(project.project_dir) / project.target_path / f"{op_name}-{run_id[:7]}-{uuid.uuid4().hex[:7]}"


def seed_parse_state(kept: Path, target_path: Path) -> bool:
    """Start the invocation from the build file's own parse state, when it has one (dagster-dbt then
    leaves the folder's copy alone; without one it copies dbt_project/target/'s, from `make setup`)."""
    if not Path(kept).is_file():
        return False
    Path(target_path).mkdir(parents=True, exist_ok=True)
    shutil.copyfile(kept, Path(target_path) / PARTIAL_PARSE)
    return True


def keep_partial_parse(target_path: Path, kept: Path) -> None:
    """Make this invocation's parse state (partial_parse.msgpack) the one the build file's next
    invocation starts from, so a night parses only what changed (≈ 5 s, not 11: docs/benchmarks.md)."""
    made = Path(target_path) / PARTIAL_PARSE
    if not made.is_file():
        return
    kept = Path(kept)
    kept.parent.mkdir(parents=True, exist_ok=True)
    tmp = kept.with_name(f".{kept.name}.{os.getpid()}")
    shutil.copyfile(made, tmp)
    os.replace(tmp, kept)


def verbose() -> bool:
    """`wudu run --verbose` sets WUDU_VERBOSE=1: every dbt line on the terminal."""
    return os.environ.get("WUDU_VERBOSE") == "1"


def dbt_summary(target_path: Path) -> str:
    """'412 nodes: 380 success, 30 pass, 2 warn' from run_results.json."""
    results = run_results(target_path)
    if results is None:
        return "no run_results.json"
    counts = Counter(r.get("status") for r in results)
    return f"{len(results)} nodes: " + ", ".join(f"{n} {status}" for status, n in counts.most_common())


class WuduDbtTranslator(DagsterDbtTranslator):
    """Groups: staging_<source>, else the model's top folder, which is its layer or subject area (core,
    five_degree, training, smart_classroom, ops; dbt_project/models/). (Sources map to the raw
    tables' keys, raw/<source>/<table>, through meta.dagster.asset_key in _sources.yml.)"""

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        fqn = dbt_resource_props.get("fqn", [])
        name = dbt_resource_props.get("name", "")
        if dbt_resource_props.get("resource_type") == "seed":
            return "reference_seeds"
        if name.startswith("stg_") and "__" in name:
            return f"staging_{name[4:].split('__')[0]}"
        return fqn[1] if len(fqn) >= 3 else "dbt"


def dbt_resource(project: DbtProject | None = None) -> DbtCliResource:
    project = project or wudu_dbt_project()
    return DbtCliResource(project_dir=project, profiles_dir=str(project.profiles_dir), dbt_executable=dbt_executable())


def build_dbt_assets(project: DbtProject) -> dg.AssetsDefinition:
    prepare_if_dev(project)

    @dbt_assets(
        manifest=project.manifest_path,
        project=project,
        partitions_def=daily_partitions,
        backfill_policy=backfill_policy(),
        dagster_dbt_translator=WuduDbtTranslator(),
        pool=WAREHOUSE_POOL,
        retry_policy=dg.RetryPolicy(max_retries=2, delay=5, backoff=dg.Backoff.EXPONENTIAL),
    )
    def wudu_dbt_assets(context: dg.AssetExecutionContext, dbt: DbtCliResource, warehouse: WarehouseResource):
        raise_if_stopped("dbt build", context)  # also stops the step's retries after an interrupt
        newer = manifest_out_of_date(project)
        if newer:
            raise dg.Failure(
                description=f"dbt build not started: {len(newer)} dbt project file(s) changed after the manifest "
                f"Dagster loaded ({', '.join(newer[:5])}{' …' if len(newer) > 5 else ''}). Run `make setup` "
                "(it runs `dbt parse`), then start the run again.", allow_retries=False)
        min_day, max_day = window_days(context)
        where = f"Spark ({warehouse.spark['WUDU_SPARK_MASTER']})" if warehouse.is_spark else warehouse.paths.build_db
        context.log.info(f"dbt build for {min_day}..{max_day} on {where}")
        args = ["build"]
        # dbt's unit tests check the SQL logic of metric branches on fixed fixtures, not the night's
        # data: they run wherever the code changes (every plain `dbt build` of `make test`, CI), as dbt
        # recommends, not every night (≈ 3 s a run)
        excluded = ["resource_type:unit_test"]
        if warehouse.is_spark:  # the models and their data tests run on Spark
            args += ["--target", "spark"]
            spark_tests = os.environ.get("WUDU_SPARK_DBT_TESTS", "all")
            if spark_tests == "0":  # DuckDB ran them already over the same days
                excluded.append("resource_type:test")
            elif spark_tests == "own_sql":  # only tests whose SQL this project wrote (singular and
                # tests/generic/): dbt's built-in generic tests are portable by construction
                excluded += [f"test_name:{t}" for t in DBT_BUILTIN_TESTS]
        # a source with a rejected or unrecognised file holds back only its own downstream models
        with warehouse.connect(log=context.log) as con:
            problems = blocking_problems(con, min_day, max_day)
        if problems:
            blocked = sorted({p["source"] for p in problems})
            excluded += [f"source:{s}+" for s in blocked]
            context.log.warning(paragraph(problems))
        if excluded:
            args += ["--exclude", " ".join(excluded)]  # one value: dagster-dbt re-parses it
        parse_state = parse_state_path(warehouse.paths.build_db.parent, "spark" if warehouse.is_spark else "duckdb")
        target_path = new_target_path(project, context.op_execution_context.op.name, context.run_id)
        seed_parse_state(parse_state, target_path)
        with window_env(min_day, max_day):  # dagster-dbt copies the environment when it starts dbt
            invocation = dbt.cli(args, context=context, target_path=target_path)
        try:
            if verbose():
                yield from invocation.stream()
                return
            # dagster-dbt echoes every dbt line (START/OK per node) to stdout: keep them in a file and
            # log one summary line instead
            log_path = warehouse.paths.data_dir / "logs" / f"dbt_{context.run_id[:8]}_{min_day}_{max_day}.log"
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with open(log_path, "w", encoding="utf-8") as fh, contextlib.redirect_stdout(fh):
                yield from invocation.stream()
            context.log.info(f"dbt build: {dbt_summary(invocation.target_path)} (every dbt line: {log_path})")
        except BaseException as exc:
            stop_dbt(invocation.process)  # dagster-dbt stops dbt only on an interrupt
            # dbt ran to its end and failed (not stopped: a stop's interrupted nodes say nothing of the data)
            why = (permanent_dbt_failure(invocation.target_path)
                   if isinstance(exc, DagsterDbtCliRuntimeError) and not stop_requested() else None)
            if why:
                raise dg.Failure(description=why, allow_retries=False) from exc
            raise
        finally:  # a failed build's folder is among the kept ones: it is the newest
            keep_partial_parse(invocation.target_path, parse_state)
            prune_targets(invocation.target_path)

    return wudu_dbt_assets
