"""Each stand's own host on duty.

A *station* is one host stand (a terminal running ``queueapp``), named by ``--station``,
``$QUEUEAPP_STATION``, ``[stand] station`` or, by default, the computer's name
(``queueapp.config.stand_station``). Several stands share one file, but each has its
own host on duty (``stations``: one row per station), so a gesture, its budget and the
right to void it go to the host at the stand that gave it.
"""

from __future__ import annotations

from queueapp.store.repository import Repository


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

