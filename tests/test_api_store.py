"""What the API keeps in the study database, on SQLite and PostgreSQL: the shared rate limit and jobs whose
worker stopped."""

from __future__ import annotations

from datetime import timedelta

import pytest

from api.limits import RateLimiter, client_key
from qualia_core.errors import LibraryError
from qualia_core.jobs import STALE, Jobs
from qualia_core.store import Store


@pytest.fixture
def store(database_url):
    store = Store.open(database_url)
    yield store
    store.close()


class Clock:
    def __init__(self, now: float):
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_the_limit_answers_that_many_requests_a_minute_per_client_and_says_how_long_to_wait(store):
    clock = Clock(60 * 1000 + 10.0)  # 10 s into a minute
    limiter = RateLimiter(store, 5, clock=clock)
    ana, ben = client_key("token", "a"), client_key("token", "b")
    assert [limiter.hit(ana) for _ in range(5)] == [None] * 5
    assert limiter.hit(ana) == 50  # seconds to the next minute
    assert limiter.hit(ben) is None  # another client has its own count
    other_worker = RateLimiter(store, 5, clock=clock)  # a second process on the same database
    assert other_worker.hit(ana) == 50
    clock.now += 60  # the next minute, 10 s in: 5 × 5/6 of the last one still counts
    assert limiter.hit(ana) is not None
    clock.now += 45  # 55 s in: ceil(5 × 1/12) = 1 still counts, so 4 more
    assert [limiter.hit(ana) for _ in range(5)] == [None] * 4 + [5]


def test_a_limit_of_zero_is_no_limit(store):
    limiter = RateLimiter(store, 0)
    assert all(limiter.hit("x") is None for _ in range(100))


def test_a_job_moves_through_its_states_and_keeps_its_result(store):
    jobs = Jobs(store)
    job = jobs.create("ana", {"plugin_id": "word_frequency", "document_ids": ["a-1", "b-2"]}, total=2)
    assert (job.state, job.done, job.total) == ("queued", 0, 2)
    jobs.start(job.id)
    jobs.progress(job.id, 1, 2)
    assert (jobs.get(job.id).state, jobs.get(job.id).done) == ("running", 1)
    jobs.finish(job.id, {"a-1": {"word_frequency": {"total_words": 3}}})
    done = jobs.get(job.id)
    assert done.state == "done" and done.result["a-1"]["word_frequency"]["total_words"] == 3
    jobs.fail(job.id, "too late")  # an ended job stays as it ended
    assert jobs.get(job.id).state == "done"
    with pytest.raises(LibraryError, match="No job"):
        jobs.get("nope")


def test_a_job_whose_worker_stopped_beating_is_failed_saying_to_submit_it_again(store):
    jobs = Jobs(store)
    job = jobs.create("ana", {"plugin_id": "speaker_stats", "document_ids": ["a-1"]}, total=1)
    jobs.start(job.id)
    assert jobs.get(job.id, now=job.updated_at + timedelta(seconds=STALE / 2)).state == "running"
    stale = jobs.get(job.id, now=job.updated_at + timedelta(seconds=STALE + 1))
    assert stale.state == "failed" and "Submit it again" in stale.error and stale.finished_at is not None
