"""Shared fixtures: the repo's config, a fresh store on a real SQLite file, a fixed clock,
and a factory for the Textual app wired to them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import arrow
import pytest

from queueapp.clock import FixedClock
from queueapp.config import Config, load_config, parse_config
from queueapp.store import Store

CONFIG_PATH = Path(__file__).parent.parent / "config.toml"
# 19:00 on a Friday evening in Shanghai (11:00 UTC)
START = "2026-03-06T19:00:00+08:00"


def at(minutes: float = 0.0) -> float:
    """Epoch seconds ``minutes`` after START."""
    return arrow.get(START).float_timestamp + minutes * 60


def config_variant(**replace: str) -> Config:
    """The repo's config with some text replaced, e.g. language: 'language = "zh"'."""
    text = CONFIG_PATH.read_text(encoding="utf-8")
    for old, new in replace.items():
        assert old in text, old
        text = text.replace(old, new)
    return parse_config(text, CONFIG_PATH)


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
            opened.append(store)
        return QueueApp(cfg, store, clock=clk or clock)

    yield factory
    for s in opened:
        s.close()


async def settle(app, pilot, rounds: int = 3) -> None:
    """Let writes, the re-read after them and any follow-up work (a finished worker may
    start another, or push a modal that does) finish and draw."""
    for _ in range(rounds):
        await app.workers.wait_for_complete()
        await pilot.pause()
