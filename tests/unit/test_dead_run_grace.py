"""The dead-run monitor's grace for daemon-launched runs counts from the run's launch, not its
creation. A UI backfill cut into two windows queued its second run behind the first; the queue
launched it ≈ 100 s later, and the monitor failed it 18 s after that (its worker was still importing
on a loaded machine), because the grace had been counted from when the run was queued."""
from __future__ import annotations

import datetime as dt

import dagster as dg
from dagster._core.events import DagsterEvent, DagsterEventType

from orchestration.run_guard import GRACE_SECONDS, recover_dead_runs


def _queued_then_launched(instance: dg.DagsterInstance, launched_at: dt.datetime) -> dg.DagsterRun:
    """A run as the queue leaves it: created now, moved to STARTING at `launched_at` (the run
    storage stamps a status change with the event's time). Created NOT_STARTED, not QUEUED: a queued
    run needs a code location's origin, which nothing here reads. No pid tag: launched by the
    daemon, so only the data-directory lock and the grace say whether its process is alive."""
    run = instance.add_run(dg.DagsterRun(job_name="__ASSET_JOB", status=dg.DagsterRunStatus.NOT_STARTED))
    starting = DagsterEvent(event_type_value=DagsterEventType.PIPELINE_STARTING.value, job_name=run.job_name)
    instance.run_storage.handle_run_event(run.run_id, starting, update_timestamp=launched_at)
    return instance.get_run_by_id(run.run_id)


def test_a_run_launched_after_minutes_in_the_queue_gets_its_grace(tmp_path):
    with dg.DagsterInstance.ephemeral() as instance:
        launched = dt.datetime.now(dt.timezone.utc) + dt.timedelta(minutes=10)  # ten minutes queued
        run = _queued_then_launched(instance, launched)
        assert run.status == dg.DagsterRunStatus.STARTING
        # 18 s after its launch, nothing holds the data directory yet: still within the grace
        assert recover_dead_runs(instance, tmp_path, log=lambda m: None, now=launched.timestamp() + 18) == []
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.STARTING
        # a whole grace after its launch without taking the lock: its process is gone
        later = launched.timestamp() + GRACE_SECONDS + 1
        assert recover_dead_runs(instance, tmp_path, log=lambda m: None, now=later) == [run.run_id]
        assert instance.get_run_by_id(run.run_id).status == dg.DagsterRunStatus.FAILURE
