"""`wudu run` cuts a range into the backfill policy's windows, as a UI backfill does."""
from orchestration.partitions import MAX_DAYS_PER_RUN, days_between, run_windows


def test_a_long_range_is_cut_into_consecutive_windows_of_the_policy():
    first, last = "2026-09-01", "2027-01-18"  # a term: 140 days
    windows = run_windows(first, last)
    days = days_between(first, last)
    assert windows[0][0] == first and windows[-1][1] == last
    covered = [d for a, b in windows for d in days_between(a, b)]
    assert covered == days  # every day once, in order, no gap
    assert all(len(days_between(a, b)) == MAX_DAYS_PER_RUN for a, b in windows[:-1])
    assert 1 <= len(days_between(*windows[-1])) <= MAX_DAYS_PER_RUN


def test_a_short_range_is_one_run_and_per_day_is_one_run_a_day():
    assert run_windows("2026-09-08", "2026-09-12") == [("2026-09-08", "2026-09-12")]
    assert run_windows("2026-09-08", "2026-09-08") == [("2026-09-08", "2026-09-08")]
    assert run_windows("2026-09-08", "2026-09-10", per_day=True) == [
        ("2026-09-08", "2026-09-08"), ("2026-09-09", "2026-09-09"), ("2026-09-10", "2026-09-10")]
