"""Only queueapp/store/ speaks SQL: everything else goes through the store's methods.

An AST walk over every module outside the store; the checker is itself tested on a
small bad source, so a checker that finds nothing cannot pass unnoticed.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import queueapp

PACKAGE = Path(queueapp.__file__).parent
STORE = PACKAGE / "store"
# the head office front door speaks PostgreSQL to the central database (its own SQL, its
# own connection); it reaches this restaurant's SQLite only through store.sync
HEADOFFICE = PACKAGE / "headoffice"
SQL_CALLS = {"execute", "executemany", "executescript", "query"}
CONNECTION_ATTRS = {"db", "conn"}  # the store's sqlite-utils Database and sqlite3 connection
SQL_TEXT = re.compile(r"\b(SELECT\b.+\bFROM|INSERT\s+(OR\s+\w+\s+)?INTO|UPDATE\s+\w+\s+SET|"
                      r"DELETE\s+FROM|CREATE\s+(TABLE|INDEX|TRIGGER|VIEW)|PRAGMA\s+\w+|"
                      r"BEGIN\s+IMMEDIATE)", re.S)


def _names_store(node: ast.expr) -> bool:
    """``store``, ``self.store``, ``app.store``, ``other_store``..."""
    if isinstance(node, ast.Name):
        return "store" in node.id.lower()
    if isinstance(node, ast.Attribute):
        return "store" in node.attr.lower()
    return False


def _reaches_store(node: ast.expr) -> bool:
    """``store.db``, ``self.store.db.conn``...: any part of the chain names a store."""
    while isinstance(node, ast.Attribute):
        if _names_store(node):
            return True
        node = node.value
    return _names_store(node)


def _queries_widgets(call: ast.Call) -> bool:
    """``screen.query(DataTable)``: Textual's DOM query by widget class, not SQL."""
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr == "query" and bool(call.args) \
        and isinstance(call.args[0], ast.Name) and call.args[0].id[:1].isupper()


def violations(source: str, filename: str = "<source>", postgres: bool = False) -> list[str]:
    """Every place in ``source`` that reaches past the store's public methods
    (``postgres``: a module that runs SQL on the central database, not on the store)."""
    found: list[str] = []
    tree = ast.parse(source, filename)
    docstrings = {id(n.body[0].value) for n in ast.walk(tree)
                  if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef,
                                    ast.AsyncFunctionDef))
                  and n.body and isinstance(n.body[0], ast.Expr)}
    for node in ast.walk(tree):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and node.func.attr in SQL_CALLS and not _queries_widgets(node):
            if postgres and not _reaches_store(node.func.value):
                continue
            found.append(f"{where}: .{node.func.attr}(...) runs SQL")
        elif isinstance(node, ast.Attribute):
            if node.attr in CONNECTION_ATTRS:
                found.append(f"{where}: .{node.attr} is the store's connection")
            elif node.attr.startswith("_") and not node.attr.startswith("__") \
                    and _names_store(node.value):
                found.append(f"{where}: {ast.unparse(node)} is private to the store")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docstrings and SQL_TEXT.search(node.value) and not postgres:
            found.append(f"{where}: SQL in a string: {node.value[:40]!r}")
    return found


def test_no_sql_outside_the_store() -> None:
    modules = [p for p in PACKAGE.rglob("*.py") if STORE not in p.parents]
    assert len(modules) > 30 and PACKAGE / "goodwill" / "gestures.py" in modules
    found = [v for p in modules
             for v in violations(p.read_text(encoding="utf-8"), str(p.relative_to(PACKAGE)),
                                 postgres=HEADOFFICE in p.parents)]
    assert found == []


def test_head_office_never_opens_sqlite() -> None:
    """PostgreSQL SQL is allowed in headoffice/, SQLite is not: no sqlite3 or sqlite_utils
    there, and the checker still refuses the store's connection in it."""
    for path in HEADOFFICE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        imported = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert not {m for m in imported if m.split(".")[0] in ("sqlite3", "sqlite_utils")}
    bad = "rows = store.db.execute('SELECT 1 FROM events')\nconn.execute('SELECT 1 FROM x')\n"
    found = "\n".join(violations(bad, postgres=True))
    assert ".db is the store's connection" in found and ".execute(...) runs SQL" in found
    assert ":2:" not in found


def test_the_checker_finds_each_kind_of_breach() -> None:
    bad = '''
def spent(store, host):
    """Reads SELECT cost FROM gestures (a docstring may say so)."""
    with store._write() as db:
        db.execute("SELECT sum(cost) FROM gestures WHERE host = ?", [host])
    store.db["gestures"].insert({})
    store.db.conn.executemany(sql, rows)
    rows = self.store.db.query(sql)
    store._local.db = None
    sql = "UPDATE gestures SET cost = 0"
'''
    found = "\n".join(violations(bad))
    assert ":3:" not in found  # docstrings may describe SQL
    for expected in (":4: store._write is private", ":5: .execute(...) runs SQL",
                     ":5: SQL in a string", ":6: .db is the store's connection",
                     ":7: .conn is the store's connection", ":7: .executemany(...)",
                     ":8: .query(...)", ":9: store._local is private", ":10: SQL in a string"):
        assert expected in found, expected
    clean = '''
def spent(store, host, since, until):
    with store.transaction():
        return store.gestures.spent(host, since, until)
text = "Select a table, then update the party."
tables = screen.query(DataTable)
'''
    assert violations(clean) == []


TEXTUAL_PRIVATE = {"_bindings", "_keymap", "_notifications", "_compositor", "_nodes"}


def textual_private_uses(source: str, filename: str = "<source>") -> list[str]:
    """Reaching into Textual's private parts: ``node._bindings`` and the like, or an
    import from a private module (``textual.widgets._toast``)."""
    found = []
    for node in ast.walk(ast.parse(source, filename)):
        where = f"{filename}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr in TEXTUAL_PRIVATE:
            found.append(f"{where}: .{node.attr} is Textual's private state")
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("textual") \
                and any(part.startswith("_") for part in (node.module or "").split(".")):
            found.append(f"{where}: imports the private module {node.module}")
    return found


def test_no_private_textual_api_in_the_app_or_its_tests() -> None:
    tests = Path(__file__).resolve().parent.parent
    files = [*PACKAGE.rglob("*.py"), *tests.rglob("*.py")]
    found = [v for p in files if p.name != "test_boundary.py"
             for v in textual_private_uses(p.read_text(encoding="utf-8"), p.name)]
    assert found == []
    bad = "from textual.widgets._toast import Toast\nbindings = screen._bindings\n"
    assert len(textual_private_uses(bad)) == 2
