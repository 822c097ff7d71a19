"""Each stand's own: the host on duty at each station, and the claim a running stand
holds on its station's name.

A *station* is one host stand (a terminal running ``queueapp``), named by ``--station``,
``$QUEUEAPP_STATION``, ``[stand] station`` or, by default, the computer's name
(``queueapp.config.stand_station``). Several stands share one file, but each has its
own host on duty (``stations``: one row per station), so a gesture, its budget and the
right to void it go to the host at the stand that gave it.

Two stands running under one name would share that row again. A running stand
therefore holds an exclusive ``flock`` on a lock file of its name beside the database
(``queueapp.db-stations/``): a second stand of the same name finds it taken and is not
started. The kernel drops the lock when the process ends, however it ends, so a
crashed stand never keeps its name. SQLite in WAL mode serves only processes on one
computer, so every stand that shares the file shares this folder's locks too.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Iterable
from pathlib import Path
from types import TracebackType

from queueapp.store.errors import StoreError
from queueapp.store.repository import CHUNK, NOT_UNDONE, Repository, marks

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no flock; the README says to name stands
    fcntl = None  # type: ignore[assignment]


PEEK_SECONDS = 0.05  # far longer than ``running`` holds a name's lock to look at it


class Stations(Repository):
    """``store.stations``: who is on duty at each station."""

    def host(self, station: str) -> str:
        """The host on duty at ``station`` ("" when nobody was put on duty there)."""
        row = self.db.execute("SELECT host FROM stations WHERE name = ?", [station]).fetchone()
        return row[0] if row else ""

    def set_host(self, station: str, host: str) -> None:
        with self.store.transaction() as db:
            db.execute("INSERT INTO stations (name, host) VALUES (?, ?) ON CONFLICT(name) "
                       "DO UPDATE SET host = excluded.host", [station, host])

    def on_duty(self) -> dict[str, str]:
        """Every station with a host on duty, by station name."""
        rows = self.db.execute("SELECT name, host FROM stations WHERE host != '' "
                               "ORDER BY name").fetchall()
        return {r[0]: r[1] for r in rows}

    def callers(self, party_ids: Iterable[str]) -> dict[str, str]:
        """The station that last called (or kept the table longer for) each of these
        parties, by party: the stand whose hold question it is first. A call undone
        counts as never made."""
        ids = sorted(set(party_ids))
        found: dict[str, str] = {}
        for start in range(0, len(ids), CHUNK):
            chunk = ids[start:start + CHUNK]
            rows = self.db.execute(
                "SELECT party, station FROM events WHERE event IN ('call', 'extend') "
                f"AND party IN ({marks(chunk)}) AND {NOT_UNDONE} ORDER BY id", chunk)
            found.update(rows.fetchall())
        return found


def _lock_file(db_path: Path, station: str) -> Path:
    # the name hashed: any name is a safe file name, and two names never share a file
    return lock_folder(db_path) / (hashlib.sha256(station.encode("utf-8")).hexdigest()[:32]
                                   + ".lock")


def running(db_path: str | os.PathLike[str], station: str) -> bool:
    """Is a stand running under ``station``'s name on this file now (it holds the name's
    lock, :func:`claim`)? False where that cannot be told (no lock file, no ``flock``)."""
    if fcntl is None or not station:
        return False
    try:
        fd = os.open(_lock_file(Path(db_path), station), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # and with it the lock just taken, if it was
    return False


class StationTaken(StoreError):
    """Another running stand holds this station's name on this file."""

    def __init__(self, station: str, path: Path) -> None:
        super().__init__("err_station_taken", station=station, path=path)


def lock_folder(db_path: Path) -> Path:
    """Where the stands' name locks live: beside the database, like its -wal and -shm."""
    real = db_path.resolve()  # one file reached by two paths (a link) is one file
    return real.with_name(real.name + "-stations")


class StationClaim:
    """A running stand's hold on its name (:func:`claim`): released by :meth:`release`,
    by leaving a ``with`` block, or by the process ending."""

    def __init__(self, station: str, fd: int | None) -> None:
        self.station = station
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the file drops its flock
            self._fd = None

    def __enter__(self) -> StationClaim:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def claim(db_path: str | os.PathLike[str], station: str) -> StationClaim:
    """Hold ``station``'s name on the database at ``db_path`` while this stand runs.

    Raises :class:`StationTaken` when another running stand (any process on this
    computer, this one included) holds it, and StoreError when the lock file cannot be
    made. Where ``flock`` does not exist (Windows) nothing is checked."""
    path = Path(db_path)
    if fcntl is None:
        return StationClaim(station, None)
    lock = _lock_file(path, station)
    try:
        lock.parent.mkdir(mode=0o700, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise StoreError("err_station_lock", path=lock, detail=exc.strerror or exc) from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:  # held, or only peeked at by another stand (``running``)
            time.sleep(PEEK_SECONDS)
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise StationTaken(station, path) from None
    except OSError as exc:
        os.close(fd)
        raise StoreError("err_station_lock", path=lock, detail=exc.strerror or exc) from None
    os.ftruncate(fd, 0)  # for a person looking: whose lock it is
    os.write(fd, f"{station}\n{os.getpid()}\n".encode())
    return StationClaim(station, fd)
