"""The database schema, as migrations. Append new migrations at the end only.

The file is an interface other tools open (see docs/schema.md), so tables and
columns have plain names and times are ISO 8601 text in UTC.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

migrations = Migrations("queueapp")


@migrations()
def m001_events_and_projections(db: Database) -> None:
    db.execute("""
        CREATE TABLE events (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            event TEXT NOT NULL,
            party TEXT NOT NULL DEFAULT '',
            size INTEGER,
            table_name TEXT NOT NULL DEFAULT '',
            data TEXT NOT NULL DEFAULT '{}',
            host TEXT NOT NULL DEFAULT '',
            station TEXT NOT NULL DEFAULT '',
            ref INTEGER REFERENCES events(id)
        )""")
    db.execute("CREATE INDEX events_party ON events(party)")
    db.execute("CREATE INDEX events_table ON events(table_name)")
    db.execute("CREATE INDEX events_time ON events(time)")
    db.execute("CREATE INDEX events_ref ON events(ref) WHERE ref IS NOT NULL")
    db.execute("""
        CREATE TABLE parties (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            size INTEGER NOT NULL,
            phone TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            note TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL,
            arrived_at TEXT NOT NULL,
            quoted_minutes REAL,
            quote_low REAL,
            quote_high REAL,
            called_at TEXT,
            seated_at TEXT,
            table_name TEXT NOT NULL DEFAULT '',
            left_at TEXT,
            remove_reason TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX parties_status ON parties(status)")
    db.execute("CREATE INDEX parties_arrived ON parties(arrived_at)")
    db.execute("CREATE INDEX parties_phone ON parties(phone) WHERE phone != ''")
    db.execute("""
        CREATE TABLE room_tables (
            name TEXT PRIMARY KEY,
            seats INTEGER NOT NULL,
            section TEXT NOT NULL DEFAULT '',
            state TEXT NOT NULL DEFAULT 'free',
            party TEXT NOT NULL DEFAULT '',
            party_size INTEGER NOT NULL DEFAULT 0,
            joined TEXT NOT NULL DEFAULT '',
            since TEXT
        )""")
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migrations()
def m002_complaints(db: Database) -> None:
    db.execute("""
        CREATE TABLE complaints (
            id INTEGER PRIMARY KEY,
            recorded_at TEXT NOT NULL,
            party TEXT NOT NULL DEFAULT '',
            table_name TEXT NOT NULL DEFAULT '',
            category TEXT NOT NULL,
            what TEXT NOT NULL,
            action TEXT NOT NULL DEFAULT '',
            recorded_by TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL DEFAULT '',
            handled_at TEXT,
            handled_by TEXT NOT NULL DEFAULT '',
            handled_note TEXT NOT NULL DEFAULT '',
            rechecked_at TEXT,
            rechecked_by TEXT NOT NULL DEFAULT '',
            recheck_note TEXT NOT NULL DEFAULT '',
            fed_back_at TEXT,
            fed_back_to TEXT NOT NULL DEFAULT '',
            fed_back_by TEXT NOT NULL DEFAULT '',
            fed_back_note TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX complaints_recorded ON complaints(recorded_at)")
    db.execute("CREATE INDEX complaints_open ON complaints(recorded_at) WHERE fed_back_at IS NULL")
    db.execute("CREATE UNIQUE INDEX complaints_one_long_wait ON complaints(party) "
               "WHERE source = 'long_wait'")


@migrations()
def m003_goodwill_and_guests(db: Database) -> None:
    """Guests and their notes, the append-only gesture log, rescues, PIN attempts."""
    db.execute("""
        CREATE TABLE guests (
            id INTEGER PRIMARY KEY,
            phone TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL DEFAULT '',
            birthday TEXT NOT NULL DEFAULT '',
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            visits INTEGER NOT NULL DEFAULT 1
        )""")
    db.execute("CREATE INDEX guests_name ON guests(name COLLATE NOCASE)")
    db.execute("""
        CREATE TABLE guest_notes (
            id INTEGER PRIMARY KEY,
            guest_id INTEGER NOT NULL REFERENCES guests(id),
            time TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('like', 'dislike', 'note', 'allergy')),
            text TEXT NOT NULL,
            host TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX guest_notes_guest ON guest_notes(guest_id)")
    # which party was which guest's visit (a table of its own: the parties
    # projection is rewritten with INSERT OR REPLACE, which would drop a column)
    db.execute("""
        CREATE TABLE guest_visits (
            party TEXT PRIMARY KEY,
            guest_id INTEGER NOT NULL REFERENCES guests(id),
            time TEXT NOT NULL
        )""")
    db.execute("CREATE INDEX guest_visits_guest ON guest_visits(guest_id, time)")
    db.execute("""
        CREATE TABLE gestures (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            party TEXT NOT NULL DEFAULT '',
            guest_id INTEGER REFERENCES guests(id),
            interaction TEXT NOT NULL,
            label TEXT NOT NULL,
            category TEXT NOT NULL,
            cost REAL NOT NULL DEFAULT 0,
            host TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            approved_by TEXT NOT NULL DEFAULT '',
            void_of INTEGER REFERENCES gestures(id),
            station TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX gestures_party ON gestures(party)")
    db.execute("CREATE INDEX gestures_time ON gestures(time)")
    db.execute("CREATE INDEX gestures_guest ON gestures(guest_id) WHERE guest_id IS NOT NULL")
    db.execute("CREATE UNIQUE INDEX gestures_one_void ON gestures(void_of) "
               "WHERE void_of IS NOT NULL")
    for action in ("UPDATE", "DELETE"):
        db.execute(f"""
            CREATE TRIGGER gestures_no_{action.lower()} BEFORE {action} ON gestures
            BEGIN
                SELECT RAISE(ABORT, 'gestures are append-only: add a void row instead');
            END""")
    db.execute("""
        CREATE TABLE rescues (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            party TEXT NOT NULL,
            host TEXT NOT NULL DEFAULT '',
            offer TEXT NOT NULL,
            outcome TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'stayed', 'left')),
            decided_at TEXT,
            station TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX rescues_party ON rescues(party)")
    db.execute("""
        CREATE TABLE pin_attempts (
            id INTEGER PRIMARY KEY,
            time TEXT NOT NULL,
            lead TEXT NOT NULL,
            ok INTEGER NOT NULL,
            outcome TEXT NOT NULL,
            station TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX pin_attempts_time ON pin_attempts(time)")


@migrations()
def m004_review_index_and_voided_by(db: Database) -> None:
    """The review's gesture totals read only an index, not the rows (a year holds
    hundreds of thousands of gestures); and who voided a gesture."""
    db.execute("CREATE INDEX gestures_review ON gestures(time, host, category, cost, party, "
               "void_of)")
    # a void row keeps the giver as its host (the refund goes back to their budget); this
    # says who corrected it
    db.execute("ALTER TABLE gestures ADD COLUMN voided_by TEXT NOT NULL DEFAULT ''")


@migrations()
def m005_table_holds(db: Database) -> None:
    """A table kept for a party for some minutes: projected from the ``hold`` and
    ``release`` events (the hold runs out by itself at ``held_until``)."""
    db.execute("ALTER TABLE room_tables ADD COLUMN held_for TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE room_tables ADD COLUMN held_until TEXT")


@migrations()
def m008_roster_and_leads(db: Database) -> None:
    """The hosts a lead put on the roster and the shift leads with their secrets (kept
    here, out of the host-readable config). A removal is stamped, never deleted, so the
    names on old gestures and voids stay explained."""
    db.execute("""
        CREATE TABLE hosts (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            added_at TEXT NOT NULL,
            added_by TEXT NOT NULL DEFAULT '',
            removed_at TEXT,
            removed_by TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE UNIQUE INDEX hosts_one_name ON hosts(name_key) WHERE removed_at IS NULL")
    db.execute("""
        CREATE TABLE leads (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            name_key TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            created TEXT NOT NULL,
            created_by TEXT NOT NULL DEFAULT '',
            removed_at TEXT,
            removed_by TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE UNIQUE INDEX leads_one_name ON leads(name_key) WHERE removed_at IS NULL")
