"""Fixtures for the guest web server: the app over a real SQLite file, the tests' config
(self check-in on where asked), a fixed clock, and Starlette's TestClient."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import config_variant

from queueapp.clock import FixedClock
from queueapp.config import Config

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette's notice about httpx's successor
    from starlette.testclient import TestClient

from queueapp.web.app import create_app

JOIN_ON = {"[quoting]\n": "[guests]\nself_check_in = true\njoins_per_minute = 3\n\n"
                          "[quoting]\n"}


@pytest.fixture(scope="session")
def join_config() -> Config:
    return config_variant(**JOIN_ON)


@pytest.fixture
def make_client(db_path: Path, clock: FixedClock, config: Config
                ) -> Iterator[Callable[..., TestClient]]:
    """``make_client(cfg=None)``: a TestClient (lifespan running) on the test file."""
    opened: list[TestClient] = []

    def factory(cfg: Config | None = None) -> TestClient:
        client = TestClient(create_app(cfg or config, db_path, clock))
        client.__enter__()
        opened.append(client)
        return client

    yield factory
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient], store) -> TestClient:
    """The web app (self check-in off, as shipped) on the same file as ``store``."""
    return make_client()


@pytest.fixture
def join_client(make_client: Callable[..., TestClient], join_config: Config,
                store) -> TestClient:
    return make_client(join_config)
