"""Shared fixtures: the tests' config, a fresh store on a real SQLite file, a fixed clock,
and a factory for the Textual app wired to them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import CONFIG_PATH, START, add_leads, config_variant
from receiver import Receiver

from queueapp.clock import FixedClock
from queueapp.config import Config, load_config
from queueapp.store import Store


@pytest.fixture(scope="session")
def config_path() -> Path:
    return CONFIG_PATH


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(CONFIG_PATH)


@pytest.fixture(scope="session")
def zh_config() -> Config:
    return config_variant(**{'language = "en"': 'language = "zh"'})


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "queue.db"


@pytest.fixture
def store(db_path: Path, config: Config) -> Iterator[Store]:
    s = Store.open(db_path, config, station="test")
    add_leads(s)
    yield s
    s.close()


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def make_app(config: Config, db_path: Path, clock: FixedClock) -> Iterator[Callable[..., object]]:
    """``make_app(config=None, store=None, clock=None)``: a QueueApp on the test file."""
    from queueapp.ui.app import QueueApp

    opened: list[Store] = []

    def factory(cfg: Config | None = None, store: Store | None = None,
                clk: FixedClock | None = None, path: Path | None = None) -> QueueApp:
        cfg = cfg or config
        if store is None:
            store = Store.open(path or db_path, cfg, station=f"app{len(opened)}")
            add_leads(store)
            opened.append(store)
        return QueueApp(cfg, store, clock=clk or clock)

    yield factory
    for s in opened:
        s.close()


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """A throwaway PostgreSQL cluster (tests/pgcluster.py) for the head office tests: in
    a temporary folder, on a free port, stopped and removed afterwards. Missing
    PostgreSQL fails loudly (CI installs it): these tests are never skipped."""
    from pgcluster import Cluster

    try:
        cluster = Cluster().init()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    cluster.start()
    yield cluster
    cluster.destroy()


@pytest.fixture
def central(postgres: object) -> str:
    """A fresh, empty central database on the session's cluster: its URL."""
    return postgres.new_database()  # type: ignore[attr-defined]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local HTTP server standing in for a message provider (Apprise's ``json://``)."""
    r = Receiver()
    yield r
    r.close()
