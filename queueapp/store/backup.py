"""Backups: an online, consistent copy of the file, checked, named by time, the last N kept.

The copy is made with SQLite's backup API (``sqlite3.Connection.backup``), so the
stand can keep writing meanwhile: the copy is one consistent moment of the file,
never half a transaction. Each copy is checked (``PRAGMA quick_check``) before it
gets its name; a copy that fails the check is removed and the backup fails.
Backups and their folder are readable by the owner only (guests' phones are in them).
"""

from __future__ import annotations

import os
import re
import sqlite3
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from sqlite_utils import Database

from queueapp.store.errors import StoreError, companions_error
from queueapp.store.schema import migrations

FOLDER_MODE = 0o700
FILE_MODE = 0o600
BACKUP_FOLDER = "backups"  # beside the database, unless --to names another
PAGES_PER_STEP = 256  # pages copied per step: writers get the lock in between
BUSY_SECONDS = 5.0  # a copy that cannot get on for this long gives up (as writes do)


@dataclass(frozen=True)
class BackupResult:
    path: Path
    removed: list[Path] = field(default_factory=list)  # older backups beyond --keep


def backup_folder(db_path: Path, to: str | os.PathLike[str] | None = None) -> Path:
    return Path(to) if to else db_path.parent / BACKUP_FOLDER


def _stamp(now: float) -> str:
    return datetime.fromtimestamp(now, UTC).strftime("%Y%m%d-%H%M%S")


def _pattern(stem: str) -> re.Pattern[str]:
    """The timed backups of one database (``queueapp-20261129-223000.db``); a database
    kept at a restore (``-replaced-``) does not match, so it is never pruned."""
    return re.compile(rf"^{re.escape(stem)}-\d{{8}}-\d{{6}}(-\d+)?\.db$")


def _connect_source(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise StoreError("err_backup_no_db", path=path)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=5.0)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        raise _explain(path, exc) from None
    return conn


def _explain(path: Path, exc: sqlite3.DatabaseError) -> StoreError:
    msg = str(exc)
    if ("readonly" in msg or "unable to open" in msg) and not os.access(path.parent, os.W_OK):
        return StoreError("err_db_wal_folder", path=path, folder=path.parent)
    if "readonly" in msg or "locked" in msg or "busy" in msg:
        held_back = companions_error(path)
        if held_back is not None:
            return held_back
    if "locked" in msg or "busy" in msg:
        return StoreError("err_backup_locked", path=path)
    if "not a database" in msg or "malformed" in msg:
        return StoreError("err_db_damaged", path=path, detail=msg)
    return StoreError("err_db_other", path=path, detail=msg)


def quick_check(conn: sqlite3.Connection) -> list[str]:
    """``PRAGMA quick_check``: [] when the file is sound, else what SQLite found. A file
    another program holds locked is not damage: that error is raised."""
    try:
        found = [str(r[0]) for r in conn.execute("PRAGMA quick_check").fetchall()]
    except sqlite3.DatabaseError as exc:
        if is_busy(exc):
            raise
        return [str(exc)]
    return [] if found == ["ok"] else found


def is_busy(exc: sqlite3.DatabaseError) -> bool:
    """Another program holds the file: nothing is known yet, it is not damage."""
    return "locked" in str(exc) or "busy" in str(exc)


def _private_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=FOLDER_MODE)
        if not os.access(folder, os.W_OK):
            raise StoreError("err_backup_folder", folder=folder, detail="read-only")
    except OSError as exc:
        raise StoreError("err_backup_folder", folder=folder, detail=exc.strerror) from None


def copy_pages(source: sqlite3.Connection, dest: sqlite3.Connection) -> None:
    """SQLite's online backup, step by step. Python's goes on for as long as a step does
    not fail, and a step that copies nothing does not fail: a file held locked, or one
    whose ``-shm`` is read-only, kept it spinning for ever, deaf to Ctrl+C. Here a copy
    that has not moved on for BUSY_SECONDS raises "database is locked" (and Ctrl+C,
    heard between steps, stops it)."""
    last: list[float] = [-1.0, time.monotonic()]  # pages left, and since when

    def progress(status: int, remaining: int, total: int) -> None:
        now = time.monotonic()
        if remaining != last[0]:
            last[:] = [remaining, now]
        elif now - last[1] > BUSY_SECONDS:
            raise sqlite3.OperationalError("database is locked")

    source.backup(dest, pages=PAGES_PER_STEP, progress=progress, sleep=0.1)


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """Copy ``source`` into a new file ``target`` (owner-only), one file (no journal)."""
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)
    dest = sqlite3.connect(target)
    try:
        copy_pages(source, dest)
        dest.execute("PRAGMA journal_mode=DELETE")
        problems = quick_check(dest)
    finally:
        dest.close()
    if problems:
        target.unlink(missing_ok=True)
        raise StoreError("err_backup_check", path=target, detail="; ".join(problems[:3]))


def make_backup(db_path: Path, now: float, to: str | os.PathLike[str] | None = None,
                keep: int = 7) -> BackupResult:
    """Copy the database into ``to`` (default: ``backups`` beside it) as
    ``<name>-YYYYMMDD-HHMMSS.db`` (UTC), check the copy, then keep only the newest
    ``keep`` timed backups of this database."""
    folder = backup_folder(db_path, to)
    source = _connect_source(db_path)
    try:
        _private_folder(folder)
        stem = db_path.stem
        target = folder / f"{stem}-{_stamp(now)}.db"
        n = 1
        while target.exists():  # two backups in one second
            n += 1
            target = folder / f"{stem}-{_stamp(now)}-{n}.db"
        partial = target.with_name(target.name + ".partial")
        partial.unlink(missing_ok=True)
        try:
            _copy(source, partial)
            partial.replace(target)
        except sqlite3.DatabaseError as exc:
            partial.unlink(missing_ok=True)
            raise _explain(db_path, exc) from None
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise StoreError("err_backup_folder", folder=folder, detail=exc.strerror) from None
    finally:
        source.close()
    return BackupResult(target, _prune(folder, stem, keep))


def _prune(folder: Path, stem: str, keep: int) -> list[Path]:
    pattern = _pattern(stem)
    timed = sorted(p for p in folder.iterdir() if pattern.match(p.name))
    old = timed[:-keep] if keep > 0 else []
    for path in old:
        path.unlink(missing_ok=True)
    return old


def check_backup(path: Path) -> None:
    """A file fit to restore: a sound SQLite file holding queueapp's tables, written by
    this version or an older one."""
    if not path.is_file():
        raise StoreError("err_restore_missing", path=path)
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.DatabaseError as exc:
        raise StoreError("err_restore_bad", path=path, detail=exc) from None
    try:
        problems = quick_check(conn)
        if problems:
            raise StoreError("err_restore_bad", path=path, detail="; ".join(problems[:3]))
        try:
            tables = {r[0] for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'")}
        except sqlite3.DatabaseError as exc:
            raise StoreError("err_restore_bad", path=path, detail=exc) from None
        if not {"events", "parties", "_sqlite_migrations"} <= tables:
            raise StoreError("err_restore_not_ours", path=path)
        unknown = unknown_migrations(conn)
        if unknown:
            raise StoreError("err_db_newer", path=path, names=", ".join(unknown))
    finally:
        conn.close()


# every migration this version knows (all are pending on an empty database)
KNOWN_MIGRATIONS = frozenset(m.name for m in migrations.pending(Database(memory=True)))


def unknown_migrations(conn: sqlite3.Connection) -> list[str]:
    """Migrations the file has that this version does not know: a newer queueapp wrote it."""
    try:
        rows = conn.execute("SELECT name FROM _sqlite_migrations WHERE migration_set = ? "
                            "ORDER BY rowid", [migrations.name]).fetchall()
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return []
        raise
    return [r[0] for r in rows if r[0] not in KNOWN_MIGRATIONS]


def restore_backup(backup: Path, db_path: Path, now: float,
                   keep_folder: str | os.PathLike[str] | None = None) -> Path | None:
    """Put ``backup`` back as ``db_path`` (checked first). The database it replaces is
    copied first to ``<name>-replaced-YYYYMMDD-HHMMSS.db`` in the backup folder (never
    pruned); returns that copy's path (None when there was no database)."""
    check_backup(backup)
    kept = None
    if db_path.is_file():
        folder = backup_folder(db_path, keep_folder)
        _private_folder(folder)
        kept = folder / f"{db_path.stem}-replaced-{_stamp(now)}.db"
        n = 1
        while kept.exists():
            n += 1
            kept = folder / f"{db_path.stem}-replaced-{_stamp(now)}-{n}.db"
        source = _connect_source(db_path)
        try:
            _copy(source, kept)
        finally:
            source.close()
    else:
        try:
            db_path.parent.mkdir(parents=True, exist_ok=True)
            os.close(os.open(db_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE))
        except OSError as exc:
            raise StoreError("err_db_folder", path=db_path, detail=exc.strerror) from None
    src = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
    dest = sqlite3.connect(db_path, timeout=5.0)
    try:
        dest.execute("PRAGMA journal_mode=WAL")
        copy_pages(src, dest)  # other stations' connections see the restored file at once
    except sqlite3.DatabaseError as exc:
        if is_busy(exc) and companions_error(db_path) is None:
            raise StoreError("err_restore_locked", path=db_path, backup=backup) from None
        raise _explain(db_path, exc) from None
    finally:
        src.close()
        dest.close()
    return kept
