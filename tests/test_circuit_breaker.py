"""Circuit breakers: a failing plugin is switched off for a while and retried by itself."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from ops import core_with_breakers
from ops.monitoring.breaker_registry import BreakerRegistry, read_snapshot
from ops.monitoring.breaker_store import BreakerStats, JsonFileStore, MemoryStore, State
from ops.monitoring.circuit_breaker import BreakerListener, CircuitBreaker
from qualia_core import ConfigError, Document, QualiaCore, QualiaError, Utterance
from qualia_core.errors import PluginSwitchedOffError
from qualia_core.guard import Guard



class FakeClock:
    def __init__(self, start: float = 1000.0):
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def boom():
    raise RuntimeError("plugin bug")


def fail_n(breaker: CircuitBreaker, n: int) -> None:
    for _ in range(n):
        with pytest.raises(RuntimeError):
            breaker.call(boom)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


STORES = {"memory": lambda tmp_path: MemoryStore(),
          "json file": lambda tmp_path: JsonFileStore(tmp_path / "ops" / "circuit_breakers.json")}


@pytest.fixture(params=list(STORES))
def store(request, tmp_path):
    """Every test of a breaker runs once per storage (as pybreaker's tests do)."""
    return STORES[request.param](tmp_path)


@pytest.fixture
def breaker(clock, store) -> CircuitBreaker:
    return CircuitBreaker("p", max_failures=5, timeout_seconds=300, clock=clock, wall=clock, store=store)


def stored(store, name: str = "p") -> BreakerStats:
    return store.load()[name]


def test_every_transition_and_failure_is_stored_at_once(breaker, store, clock):
    fail_n(breaker, 4)
    assert (stored(store).state, stored(store).consecutive_failures) == (State.CLOSED, 4)
    fail_n(breaker, 1)
    assert (stored(store).state, stored(store).total_failures) == (State.OPEN, 5)
    clock.advance(300)
    breaker.call(lambda: None)
    assert (stored(store).state, stored(store).total_successes) == (State.CLOSED, 1)


def test_a_breaker_rebuilt_from_its_store_keeps_refusing(breaker, store, clock):
    fail_n(breaker, 5)
    again = CircuitBreaker("p", max_failures=5, timeout_seconds=300, clock=clock, wall=clock, store=store,
                           stats=stored(store))
    with pytest.raises(PluginSwitchedOffError):
        again.call(lambda: "ran")


def test_it_opens_after_five_consecutive_failures_and_refuses_the_sixth_without_running(breaker):
    fail_n(breaker, 5)
    assert breaker.state is State.OPEN
    ran = []
    with pytest.raises(PluginSwitchedOffError) as err:
        breaker.call(lambda: ran.append(1))
    assert ran == []
    message = str(err.value)
    assert "'p'" in message and "RuntimeError" in message and "retried in 300 s" in message
    assert isinstance(err.value, QualiaError)


def test_a_success_resets_the_consecutive_count(breaker):
    fail_n(breaker, 4)
    breaker.call(lambda: "ok")
    fail_n(breaker, 4)
    assert breaker.state is State.CLOSED


def test_user_errors_do_not_count_as_plugin_failures(breaker):
    def bad_parameters():
        raise ConfigError("p", [("x", "bad")])

    for _ in range(10):
        with pytest.raises(ConfigError):
            breaker.call(bad_parameters)
    assert breaker.state is State.CLOSED
    assert breaker.stats.total_failures == 0


def test_after_the_timeout_it_half_opens_and_a_successful_trial_closes_it(breaker, clock):
    fail_n(breaker, 5)
    clock.advance(299)
    assert breaker.state is State.OPEN
    clock.advance(1)
    assert breaker.state is State.HALF_OPEN
    assert breaker.call(lambda: 42) == 42
    assert breaker.state is State.CLOSED
    assert breaker.stats.recovery_attempts == 1


def test_a_failed_trial_opens_it_again_for_a_full_timeout(breaker, clock):
    fail_n(breaker, 5)
    clock.advance(300)
    fail_n(breaker, 1)
    assert breaker.state is State.OPEN
    clock.advance(299)
    assert breaker.state is State.OPEN


def test_half_open_admits_exactly_one_trial_among_twenty_threads(breaker, clock):
    fail_n(breaker, 5)
    clock.advance(300)
    release = threading.Event()
    started = threading.Barrier(21)
    outcomes: list[str] = []
    lock = threading.Lock()

    def trial():
        release.wait(5)
        return "ran"

    def caller():
        started.wait(5)
        try:
            result = breaker.call(trial)
        except PluginSwitchedOffError:
            result = "refused"
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=caller) for _ in range(20)]
    for t in threads:
        t.start()
    started.wait(5)
    # Every thread other than the trial is refused at once, while the trial is still running.
    for _ in range(500):
        with lock:
            if len(outcomes) == 19:
                break
        threading.Event().wait(0.01)
    with lock:
        assert outcomes.count("refused") == 19
    release.set()
    for t in threads:
        t.join(5)
    assert outcomes.count("ran") == 1
    assert breaker.state is State.CLOSED


def test_the_lock_never_holds_the_plugin_call(clock):
    """Four concurrent calls all run at the same time: each waits for the other three inside the call."""
    breaker = CircuitBreaker("p", clock=clock, wall=clock)
    together = threading.Barrier(4)
    results = []

    def call():
        results.append(breaker.call(lambda: together.wait(5)))

    threads = [threading.Thread(target=call) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert len(results) == 4  # a serialising lock would have broken the barrier


def test_a_raising_listener_or_store_neither_stops_a_transition_nor_replaces_the_error(clock):
    class BrokenStore:
        def load(self):
            return {}

        def save(self, *a, **k):
            raise OSError("disk full")

    class BadListener(BreakerListener):
        def failure(self, *args):
            raise ValueError("listener bug")

        def state_change(self, *args):
            raise ValueError("listener bug")

    breaker = CircuitBreaker("p", max_failures=1, clock=clock, wall=clock, store=BrokenStore(),
                             listeners=[BadListener()])
    with pytest.raises(RuntimeError, match="plugin bug"):
        breaker.call(boom)
    assert breaker.state is State.OPEN


class Recorder(BreakerListener):
    def __init__(self):
        self.heard = []

    def before_call(self, breaker, info):
        self.heard.append(("before", info))

    def success(self, breaker, info, seconds):
        self.heard.append(("success", info, seconds >= 0))

    def failure(self, breaker, info, error, seconds):
        self.heard.append(("failure", info, type(error).__name__))

    def state_change(self, breaker, old, new):
        self.heard.append((old.value, new.value))


def test_listeners_hear_every_transition(breaker, clock):
    recorder = Recorder()
    breaker.listeners.append(recorder)
    fail_n(breaker, 5)
    clock.advance(300)
    breaker.call(lambda: None)
    transitions = [h for h in recorder.heard if h[0] in ("closed", "open", "half_open")]
    assert transitions == [("closed", "open"), ("open", "half_open"), ("half_open", "closed")]


def test_listeners_hear_each_admitted_call_with_its_info_and_outcome_but_not_refusals_or_user_errors(breaker):
    recorder = Recorder()
    breaker.listeners.append(recorder)
    breaker.call(lambda: "ok", info="run 1")
    with pytest.raises(RuntimeError):
        breaker.call(boom, info="run 2")
    with pytest.raises(ConfigError):
        breaker.call(lambda: (_ for _ in ()).throw(ConfigError("p", [("n", "bad")])), info="run 3")
    assert recorder.heard == [("before", "run 1"), ("success", "run 1", True), ("before", "run 2"),
                              ("failure", "run 2", "RuntimeError"), ("before", "run 3")]
    fail_n(breaker, 4)
    recorder.heard.clear()
    with pytest.raises(PluginSwitchedOffError):
        breaker.call(lambda: "never", info="refused")
    assert recorder.heard == []


def test_refusal_answers_without_running_anything(breaker, clock):
    assert breaker.refusal() is None
    fail_n(breaker, 5)
    refusal = breaker.refusal()
    assert isinstance(refusal, PluginSwitchedOffError) and refusal.plugin_id == "p"
    assert refusal.retry_in == pytest.approx(300)
    assert breaker.stats.total_calls == 5  # asking is not calling
    clock.advance(300)
    assert breaker.refusal() is None  # half open: the next call is the trial


def test_the_state_survives_a_restart_with_the_remaining_wait(tmp_path, clock):
    registry = BreakerRegistry(tmp_path, max_failures=2, timeout_seconds=100, clock=clock, wall=clock)
    for _ in range(2):
        with pytest.raises(RuntimeError):
            registry.call("p", None, boom)
    clock.advance(40)
    restarted = BreakerRegistry(tmp_path, max_failures=2, timeout_seconds=100, clock=clock, wall=clock)
    with pytest.raises(PluginSwitchedOffError) as err:
        restarted.call("p", None, lambda: None)
    assert "60 s" in str(err.value)
    assert restarted.snapshot()["p"]["total_failures"] == 2


def test_a_corrupt_stats_file_falls_back_to_closed_with_a_warning(tmp_path, caplog):
    path = tmp_path / "ops" / "circuit_breakers.json"
    path.parent.mkdir()
    path.write_text("{half a file")
    registry = BreakerRegistry(tmp_path)
    assert registry.call("p", None, lambda: "ran") == "ran"
    assert "unreadable" in caplog.text


def test_another_process_reads_the_stats_from_the_data_dir(tmp_path, clock):
    registry = BreakerRegistry(tmp_path, max_failures=1, clock=clock, wall=clock)
    with pytest.raises(RuntimeError):
        registry.call("p", None, boom)
    stats = read_snapshot(tmp_path)
    assert stats["p"]["state"] == "open" and stats["p"]["consecutive_failures"] == 1
    json.loads((tmp_path / "ops" / "circuit_breakers.json").read_text())


def test_an_operator_can_reset_a_breaker(tmp_path, clock):
    registry = BreakerRegistry(tmp_path, max_failures=1, clock=clock, wall=clock)
    with pytest.raises(RuntimeError):
        registry.call("p", None, boom)
    registry.reset("p")
    assert registry.call("p", None, lambda: "ran") == "ran"
    assert read_snapshot(tmp_path)["p"]["state"] == "closed"


def test_a_plugin_class_can_override_the_defaults(tmp_path, clock):
    class Fragile:
        max_failures = 1
        timeout_seconds = 10

    registry = BreakerRegistry(tmp_path, clock=clock, wall=clock)
    with pytest.raises(RuntimeError):
        registry.call("fragile", Fragile(), boom)
    assert registry.breaker("fragile").state is State.OPEN
    clock.advance(10)
    assert registry.breaker("fragile").state is State.HALF_OPEN


def test_defaults_come_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("DEFAULT_MAX_FAILURES", "2")
    monkeypatch.setenv("DEFAULT_TIMEOUT_SECONDS", "60")
    registry = BreakerRegistry(tmp_path)
    assert (registry.max_failures, registry.timeout_seconds) == (2, 60.0)


def test_an_invalid_environment_value_is_named(tmp_path, monkeypatch):
    monkeypatch.setenv("DEFAULT_MAX_FAILURES", "many")
    from qualia_core.errors import SettingsError

    with pytest.raises(SettingsError, match="DEFAULT_MAX_FAILURES='many' is not valid: it accepts a whole number"):
        BreakerRegistry(tmp_path)


FLAKY = '''
from qualia_core import BaseAnalyzerPlugin, PluginMetadata, PluginType

class Flaky(BaseAnalyzerPlugin):
    calls = 0

    def meta(self):
        return PluginMetadata(id="flaky", type=PluginType.ANALYZER, name="Flaky", description="fails",
                              version="1.0", parameters={"n": {"type": "integer", "default": 1, "min": 1}})

    def _analyze_impl(self, document, config, context):
        type(self).calls += 1
        raise RuntimeError("always")
'''


def test_a_registry_is_a_guard_for_the_core(tmp_path):
    assert isinstance(BreakerRegistry(tmp_path), Guard)


def test_the_core_guards_every_plugin_call_transparently(tmp_path, monkeypatch):
    monkeypatch.setenv("DEFAULT_MAX_FAILURES", "3")
    (tmp_path / "plugins" / "flaky").mkdir(parents=True)
    (tmp_path / "plugins" / "flaky" / "__init__.py").write_text(FLAKY)
    core = core_with_breakers(plugins_dir=tmp_path / "plugins", data_dir=tmp_path / "data", entry_points=False)
    assert QualiaCore(plugins_dir=tmp_path / "plugins", data_dir=tmp_path / "data").guard is None
    doc = Document("d", "x", [Utterance("A", "hello")])
    with pytest.raises(ConfigError):
        core.execute_plugin("flaky", doc, {"n": 0})  # the user's mistake: not counted
    for i in range(3):
        with pytest.raises(QualiaError, match="failed"):
            core.execute_plugin("flaky", doc, {"n": i + 1})
    with pytest.raises(PluginSwitchedOffError):
        core.execute_plugin("flaky", doc, {"n": 9})
    assert type(core.get_plugin("flaky").instance).calls == 3
    assert read_snapshot(tmp_path / "data")["flaky"]["state"] == "open"
