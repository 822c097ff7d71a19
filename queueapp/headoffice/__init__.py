"""Head office: many restaurants' records in one PostgreSQL database.

A front door, like the command line or the app: it reads this restaurant's records
through the store (``store.sync``, the only code that speaks SQLite) and writes them to
the central database. The PostgreSQL SQL lives here and only here (``schema.py``:
the central tables, their migrations and the chain's views; ``push.py``: batches and
acknowledged marks; ``report.py``: the chain report), because it is a different
dialect for a different database with a different owner: the store's rules (one
file, one restaurant, append-only triggers) do not hold there, and keeping the two
apart means neither can reach into the other's tables by accident.

``outgoing.py`` is pure: what a row looks like once personal data is turned into
keyed pseudonyms.
"""
