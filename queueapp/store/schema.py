"""The database schema, as migrations. Append new migrations at the end only.

The file is an interface other tools open (see docs/schema.md), so tables and
columns have plain names and times are ISO 8601 text in UTC.
"""

from __future__ import annotations

from sqlite_utils import Database, Migrations

from queueapp.store import chain

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


# -- append-only audit tables, constraints, the hash chain (issue 10) ---------------------
# Every trigger the app relies on, by name: ``queueapp verify`` checks each is there, as
# written here (a trigger dropped, or replaced by a harmless one, shows).

# the audit tables, and what to do instead of changing a row (said when one is refused)
APPEND_ONLY: dict[str, str] = {
    "events": "an undo is a new event",
    "complaints": "each step is a complaint_steps row",
    "complaint_steps": "each step is written once",
    "rescues": "an outcome is a rescue_outcomes row",
    "rescue_outcomes": "an undone outcome is a later reopened row",
    "pin_attempts": "every PIN entry is kept",
    "guest_notes": "add a new note",
}
EVENT_COLUMNS_M001 = ("id", "time", "event", "party", "size", "table_name", "host", "station",
                      "ref")
# what a privacy purge may blank in events.data: the only UPDATE events allow
PERSONAL_PATHS = "'$.name', '$.phone', '$.note'"


def _refuse(table: str, action: str) -> str:
    return (f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, 'append-only: {table} rows are never changed or "
            f"deleted ({APPEND_ONLY[table]})'); END")


# what else, besides the id, an INSERT OR REPLACE could overwrite (a unique index)
REPLACEABLE = {
    "complaint_steps": "OR (complaint_id = NEW.complaint_id AND step = NEW.step)",
    "gestures": "OR (NEW.void_of IS NOT NULL AND void_of = NEW.void_of)",
}


def _no_replace(table: str) -> str:
    """INSERT OR REPLACE deletes the row it replaces without firing the DELETE trigger:
    refuse a row whose id (or unique key) is taken."""
    return (f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
            f"WHEN EXISTS (SELECT 1 FROM {table} WHERE id = NEW.id "
            f"{REPLACEABLE.get(table, '')}) "
            f"BEGIN SELECT RAISE(ABORT, 'append-only: {table} rows are never replaced'); END")


# a second long-wait item for a party is skipped (the app's INSERT OR IGNORE), never put
# in place of the first (INSERT OR REPLACE)
LONG_WAIT_ONCE = (
    "CREATE TRIGGER complaints_one_long_wait_kept BEFORE INSERT ON complaints "
    "WHEN NEW.source = 'long_wait' AND EXISTS (SELECT 1 FROM complaints "
    "WHERE source = 'long_wait' AND party = NEW.party) "
    "BEGIN SELECT RAISE(IGNORE); END")


def _events_no_update(columns: tuple[str, ...]) -> str:
    """Refuse any UPDATE of events except one that changes only the personal keys of
    ``data`` (name, phone, note), which the privacy purge blanks."""
    same = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    return ("CREATE TRIGGER events_no_update BEFORE UPDATE ON events "
            f"WHEN {same} OR json_remove(NEW.data, {PERSONAL_PATHS}) IS NOT "
            f"json_remove(OLD.data, {PERSONAL_PATHS}) "
            "BEGIN SELECT RAISE(ABORT, 'append-only: events rows are never changed or "
            "deleted (only the personal keys name, phone and note of data may be blanked)'); "
            "END")


# a privacy purge may blank a note's text; nothing else in a note ever changes
GUEST_NOTES_NO_UPDATE = (
    "CREATE TRIGGER guest_notes_no_update BEFORE UPDATE ON guest_notes "
    "WHEN NEW.id IS NOT OLD.id OR NEW.guest_id IS NOT OLD.guest_id "
    "OR NEW.time IS NOT OLD.time OR NEW.kind IS NOT OLD.kind OR NEW.host IS NOT OLD.host "
    "OR NEW.text != '' "
    "BEGIN SELECT RAISE(ABORT, 'append-only: guest_notes rows are never changed or deleted "
    "(add a new note; only a privacy purge blanks a note''s text)'); END")
# tables whose UPDATE trigger lets a privacy purge through (personal data only)
PURGEABLE = ("events", "guest_notes")


EVENTS_CHECK = (
    "CREATE TRIGGER events_check_insert BEFORE INSERT ON events BEGIN "
    "SELECT RAISE(ABORT, 'events: data must be a JSON object') "
    "WHERE CASE WHEN json_valid(NEW.data) THEN json_type(NEW.data) != 'object' ELSE 1 END; "
    "END")
GESTURES_CHECK = (
    "CREATE TRIGGER gestures_check_insert BEFORE INSERT ON gestures BEGIN "
    "SELECT RAISE(ABORT, 'gestures: cost must be a number') "
    "WHERE typeof(NEW.cost) NOT IN ('integer', 'real') OR abs(NEW.cost) > 1e12; "
    "SELECT RAISE(ABORT, 'gestures: a cost is never below 0 (only on a void row)') "
    "WHERE NEW.void_of IS NULL AND NEW.cost < 0; "
    "SELECT RAISE(ABORT, 'gestures: a void costs minus the cost of the gesture it voids') "
    "WHERE NEW.void_of IS NOT NULL "
    "AND NEW.cost IS NOT -(SELECT cost FROM gestures WHERE id = NEW.void_of); "
    "SELECT RAISE(ABORT, 'gestures: a void row cannot be voided') "
    "WHERE NEW.void_of IS NOT NULL "
    "AND (SELECT void_of FROM gestures WHERE id = NEW.void_of) IS NOT NULL; "
    "END")
STEPS_IN_ORDER = (
    "CREATE TRIGGER complaint_steps_in_order BEFORE INSERT ON complaint_steps BEGIN "
    "SELECT RAISE(ABORT, 'complaint_steps: a step follows the one before it "
    "(handled, rechecked, fed_back)') "
    "WHERE NEW.step != 'handled' AND NOT EXISTS (SELECT 1 FROM complaint_steps "
    "WHERE complaint_id = NEW.complaint_id "
    "AND step = CASE NEW.step WHEN 'rechecked' THEN 'handled' ELSE 'rechecked' END); "
    "END")
_LAST_OUTCOME = ("(SELECT outcome FROM rescue_outcomes WHERE rescue_id = NEW.rescue_id "
                 "ORDER BY id DESC LIMIT 1)")
OUTCOMES_IN_ORDER = (
    "CREATE TRIGGER rescue_outcomes_in_order BEFORE INSERT ON rescue_outcomes BEGIN "
    "SELECT RAISE(ABORT, 'rescue_outcomes: the rescue is decided already') "
    f"WHERE NEW.outcome != 'reopened' AND coalesce({_LAST_OUTCOME}, 'reopened') "
    "!= 'reopened'; "
    "SELECT RAISE(ABORT, 'rescue_outcomes: only a left outcome can be reopened') "
    f"WHERE NEW.outcome = 'reopened' AND coalesce({_LAST_OUTCOME}, '') != 'left'; "
    "END")
COMPLAINT_STATUS = """
    CREATE VIEW complaint_status AS
    SELECT c.id, c.recorded_at, c.party, c.table_name, c.category, c.what, c.action,
           c.recorded_by, c.source,
           h.time AS handled_at, coalesce(h.host, '') AS handled_by,
           coalesce(h.note, '') AS handled_note,
           r.time AS rechecked_at, coalesce(r.host, '') AS rechecked_by,
           coalesce(r.note, '') AS recheck_note,
           f.time AS fed_back_at, coalesce(f.sent_to, '') AS fed_back_to,
           coalesce(f.host, '') AS fed_back_by, coalesce(f.note, '') AS fed_back_note
    FROM complaints c
    LEFT JOIN complaint_steps h ON h.complaint_id = c.id AND h.step = 'handled'
    LEFT JOIN complaint_steps r ON r.complaint_id = c.id AND r.step = 'rechecked'
    LEFT JOIN complaint_steps f ON f.complaint_id = c.id AND f.step = 'fed_back'"""
RESCUE_STATUS = """
    CREATE VIEW rescue_status AS
    SELECT r.id, r.time, r.party, r.host, r.offer,
           CASE WHEN o.outcome IN ('stayed', 'left') THEN o.outcome ELSE '' END AS outcome,
           CASE WHEN o.outcome IN ('stayed', 'left') THEN o.time END AS decided_at,
           r.station
    FROM rescues r
    LEFT JOIN rescue_outcomes o ON o.id = (SELECT max(x.id) FROM rescue_outcomes x
                                           WHERE x.rescue_id = r.id)"""

# the triggers as they stand after the last migration
TRIGGERS: dict[str, str] = {
    **{f"{t}_no_delete": _refuse(t, "DELETE") for t in APPEND_ONLY},
    **{f"{t}_no_update": _refuse(t, "UPDATE") for t in APPEND_ONLY if t not in PURGEABLE},
    "events_no_update": _events_no_update((*EVENT_COLUMNS_M001, "hash")),
    "guest_notes_no_update": GUEST_NOTES_NO_UPDATE,
    "gestures_no_update": """
            CREATE TRIGGER gestures_no_update BEFORE UPDATE ON gestures
            BEGIN
                SELECT RAISE(ABORT, 'gestures are append-only: add a void row instead');
            END""",
    "gestures_no_delete": """
            CREATE TRIGGER gestures_no_delete BEFORE DELETE ON gestures
            BEGIN
                SELECT RAISE(ABORT, 'gestures are append-only: add a void row instead');
            END""",
    "events_check_insert": EVENTS_CHECK,
    "gestures_check_insert": GESTURES_CHECK,
    "complaint_steps_in_order": STEPS_IN_ORDER,
    "rescue_outcomes_in_order": OUTCOMES_IN_ORDER,
    **{f"{t}_no_replace": _no_replace(t) for t in (*APPEND_ONLY, "gestures")},
    "complaints_one_long_wait_kept": LONG_WAIT_ONCE,
}
VIEWS: dict[str, str] = {"complaint_status": COMPLAINT_STATUS, "rescue_status": RESCUE_STATUS}

_STEP_COLUMNS = (("handled", "handled_at", "handled_by", "handled_note", "''"),
                 ("rechecked", "rechecked_at", "rechecked_by", "recheck_note", "''"),
                 ("fed_back", "fed_back_at", "fed_back_by", "fed_back_note", "fed_back_to"))


@migrations()
def m006_append_only(db: Database) -> None:
    """Every audit table append-only: complaint steps and rescue outcomes become rows of
    their own (moved out of the columns they were stamped into), triggers refuse UPDATE
    and DELETE, and rows are checked as they are written."""
    db.execute("""
        CREATE TABLE complaint_steps (
            id INTEGER PRIMARY KEY,
            complaint_id INTEGER NOT NULL REFERENCES complaints(id),
            step TEXT NOT NULL CHECK (step IN ('handled', 'rechecked', 'fed_back')),
            time TEXT NOT NULL,
            host TEXT NOT NULL DEFAULT '',
            note TEXT NOT NULL DEFAULT '',
            sent_to TEXT NOT NULL DEFAULT '' CHECK (step = 'fed_back' OR sent_to = ''),
            station TEXT NOT NULL DEFAULT '',
            UNIQUE (complaint_id, step)
        )""")
    moved = " UNION ALL ".join(
        f"SELECT id, '{step}' AS step, {at} AS time, {by} AS host, {note} AS note, "
        f"{to} AS sent_to, {rank} AS rank FROM complaints WHERE {at} IS NOT NULL"
        for rank, (step, at, by, note, to) in enumerate(_STEP_COLUMNS))
    db.execute("INSERT INTO complaint_steps (complaint_id, step, time, host, note, sent_to) "
               f"SELECT id, step, time, host, note, sent_to FROM ({moved}) "
               "ORDER BY time, id, rank")
    db.execute("DROP INDEX complaints_open")
    for _step, *columns, to in _STEP_COLUMNS:
        for column in (*columns, *([to] if to != "''" else [])):
            db.execute(f"ALTER TABLE complaints DROP COLUMN {column}")
    db.execute("""
        CREATE TABLE rescue_outcomes (
            id INTEGER PRIMARY KEY,
            rescue_id INTEGER NOT NULL REFERENCES rescues(id),
            outcome TEXT NOT NULL CHECK (outcome IN ('stayed', 'left', 'reopened')),
            time TEXT NOT NULL,
            station TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("CREATE INDEX rescue_outcomes_rescue ON rescue_outcomes(rescue_id, id)")
    db.execute("INSERT INTO rescue_outcomes (rescue_id, outcome, time, station) "
               "SELECT id, outcome, coalesce(decided_at, time), station FROM rescues "
               "WHERE outcome != '' ORDER BY coalesce(decided_at, time), id")
    db.execute("ALTER TABLE rescues DROP COLUMN outcome")
    db.execute("ALTER TABLE rescues DROP COLUMN decided_at")
    db.execute(COMPLAINT_STATUS)
    db.execute(RESCUE_STATUS)
    for table in APPEND_ONLY:
        db.execute(_refuse(table, "DELETE"))
        if table not in PURGEABLE:
            db.execute(_refuse(table, "UPDATE"))
    db.execute(_events_no_update(EVENT_COLUMNS_M001))
    db.execute(GUEST_NOTES_NO_UPDATE)
    for sql in (EVENTS_CHECK, GESTURES_CHECK, STEPS_IN_ORDER, OUTCOMES_IN_ORDER,
                LONG_WAIT_ONCE):
        db.execute(sql)
    for table in (*APPEND_ONLY, "gestures"):
        db.execute(_no_replace(table))


@migrations()
def m007_hash_chain(db: Database) -> None:
    """A SHA-256 chain over events and gestures (``store/chain.py``): a ``hash`` column,
    filled in for the rows already there (their update triggers step aside meanwhile)."""
    for table in chain.CHAINED:
        db.execute(f"ALTER TABLE {table} ADD COLUMN hash TEXT")
        db.execute(f"DROP TRIGGER {table}_no_update")
        cols = chain.columns(db, table)
        previous = ""
        hashes: list[tuple[str, int]] = []
        for row in list(chain.stored_rows(db, table)):
            previous = chain.row_hash(table, previous, cols, row)
            hashes.append((previous, row["id"]))
        db.conn.executemany(f"UPDATE {table} SET hash = ? WHERE id = ?", hashes)
        db.execute(TRIGGERS[f"{table}_no_update"])


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


@migrations()
def m009_guest_side(db: Database) -> None:
    """Queue numbers and the guest's answers on the parties projection, and the secret
    link to each party's own page (kept out of the events: a link is a key, not a fact)."""
    for column in ("ticket TEXT NOT NULL DEFAULT ''", "reply TEXT NOT NULL DEFAULT ''",
                   "reply_text TEXT NOT NULL DEFAULT ''", "reply_at TEXT"):
        db.execute(f"ALTER TABLE parties ADD COLUMN {column}")
    db.execute("""
        CREATE TABLE guest_links (
            token TEXT PRIMARY KEY,
            party TEXT NOT NULL UNIQUE,
            created TEXT NOT NULL
        )""")


@migrations()
def m010_outbox(db: Database) -> None:
    """Messages to guests: every message is a row before it is sent (``outbox``), and
    one row (``outbox_state``) holds the sender's lease and how far the event log has
    been turned into messages. A message's status only goes forward (queued, then sent
    or failed), and a row is never deleted: a sent message can never be sent again."""
    db.execute("""
        CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            party TEXT NOT NULL,
            kind TEXT NOT NULL,
            key TEXT NOT NULL UNIQUE,
            channel TEXT NOT NULL,
            text TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'queued'
                CHECK (status IN ('queued', 'sent', 'failed')),
            attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
            last_error TEXT NOT NULL DEFAULT '',
            created TEXT NOT NULL,
            next_at TEXT NOT NULL,
            sent_at TEXT,
            failed_at TEXT,
            claimed_by TEXT NOT NULL DEFAULT '',
            claimed_until TEXT,
            event INTEGER,
            rev INTEGER NOT NULL DEFAULT 0
        )""")
    db.execute("CREATE INDEX outbox_due ON outbox(status, next_at)")
    db.execute("CREATE INDEX outbox_party ON outbox(party)")
    db.execute("CREATE INDEX outbox_rev ON outbox(rev)")
    db.execute("CREATE INDEX outbox_created ON outbox(created)")
    db.execute("""
        CREATE TRIGGER outbox_forward BEFORE UPDATE ON outbox
        WHEN old.status != 'queued' AND (new.status IS NOT old.status
             OR new.attempts IS NOT old.attempts OR new.sent_at IS NOT old.sent_at
             OR new.claimed_by IS NOT old.claimed_by)
        BEGIN SELECT RAISE(ABORT, 'outbox: a sent or failed message is final'); END""")
    db.execute("""
        CREATE TRIGGER outbox_fixed BEFORE UPDATE ON outbox
        WHEN new.party IS NOT old.party OR new.kind IS NOT old.kind
             OR new.key IS NOT old.key OR new.channel IS NOT old.channel
             OR new.created IS NOT old.created OR new.attempts < old.attempts
             OR (new.text IS NOT old.text AND new.text != '')
        BEGIN SELECT RAISE(ABORT, 'outbox: what a message is and says cannot change'); END""")
    db.execute("""
        CREATE TRIGGER outbox_once BEFORE INSERT ON outbox
        WHEN EXISTS (SELECT 1 FROM outbox WHERE key = new.key OR id = new.id)
        BEGIN SELECT RAISE(IGNORE); END""")  # INSERT OR REPLACE would drop the sent row
    db.execute("""
        CREATE TRIGGER outbox_no_delete BEFORE DELETE ON outbox
        BEGIN SELECT RAISE(ABORT, 'outbox: messages are never deleted'); END""")
    db.execute("""
        CREATE TABLE outbox_state (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            owner TEXT NOT NULL DEFAULT '',
            expires TEXT,
            cursor INTEGER NOT NULL DEFAULT 0
        )""")


@migrations()
def m011_outbox_text_until_sent(db: Database) -> None:
    """A queued message's text may be worded anew when it is tried (a "table ready" sent
    late says the minutes actually left of the hold); once sent or failed, what it said
    is final as before (only a privacy purge blanks it)."""
    db.execute("DROP TRIGGER outbox_fixed")
    db.execute("""
        CREATE TRIGGER outbox_fixed BEFORE UPDATE ON outbox
        WHEN new.party IS NOT old.party OR new.kind IS NOT old.kind
             OR new.key IS NOT old.key OR new.channel IS NOT old.channel
             OR new.created IS NOT old.created OR new.attempts < old.attempts
             OR (new.text IS NOT old.text AND new.text != '' AND old.status != 'queued')
        BEGIN SELECT RAISE(ABORT, 'outbox: what a message is and said cannot change'); END""")


@migrations()
def m012_kept_until(db: Database) -> None:
    """How long a called party's table is kept once the host held it longer (EXTEND), on
    the parties projection, so that every terminal and the guest's page read it."""
    db.execute("ALTER TABLE parties ADD COLUMN kept_until TEXT")


@migrations()
def m013_stations(db: Database) -> None:
    """Each stand has its own host on duty (one row per station: ``--station``, else the
    computer's name). The one ``host_on_duty`` setting every terminal shared goes: nobody
    can tell which stand it was picked at, so each stand asks once, as a new stand does."""
    db.execute("""
        CREATE TABLE stations (
            name TEXT PRIMARY KEY,
            host TEXT NOT NULL DEFAULT ''
        )""")
    db.execute("DELETE FROM settings WHERE key = 'host_on_duty'")
