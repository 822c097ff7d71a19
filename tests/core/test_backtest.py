"""Backtest: causality, the quotes CSV, metrics, and the CLI on real files."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import CONFIG_PATH
from rich.cells import cell_len

from queueapp.cli.quotes import backtest as backtest_cmd
from queueapp.cli.quotes import simulate as simulate_cmd
from queueapp.config import Quoting
from queueapp.quotes.backtest import (
    BacktestError,
    Metrics,
    Outcome,
    backtest,
    load_tables,
    write_quotes_csv,
)
from queueapp.quotes.estimator import Estimator
from queueapp.sim.simulator import get_scenario, simulate
from queueapp.waitlist.events import ARRIVE, write_events_csv

SC = get_scenario("bistro")
TABLES = SC.table_list()


@pytest.fixture(scope="module")
def events():
    return simulate(None, 2, "bistro", seed=11)


def quotes(evs) -> dict[str, float]:
    result = backtest(evs, TABLES, lambda: Estimator(Quoting(), TABLES, SC.timezone))
    return dict(result.rows)


def test_cutting_after_an_arrival_does_not_change_its_quote(events) -> None:
    full = quotes(events)
    arrivals = [i for i, e in enumerate(events) if e.event == ARRIVE]
    for i in arrivals[5::60] + arrivals[-1:]:
        cut = quotes(events[: i + 1])
        party = events[i].party
        assert cut[party] == full[party]


def test_quotes_csv_has_one_unrounded_row_per_arrival(events) -> None:
    result = backtest(events, TABLES, Estimator(Quoting(), TABLES, SC.timezone))
    out = io.StringIO()
    n = write_quotes_csv(result, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["party", "quoted_minutes"]
    assert n == len(rows) - 1 == sum(e.event == ARRIVE for e in events)
    assert [r[0] for r in rows[1:]] == [e.party for e in events if e.event == ARRIVE]
    values = [float(r[1]) for r in rows[1:]]
    assert "0" in [r[1] for r in rows[1:]] and any(v != round(v) for v in values)


def test_metrics_from_outcomes() -> None:
    m = Metrics.of([Outcome("a", 2, 10, 10), Outcome("b", 2, 10, 20), Outcome("c", 4, 10, 4),
                    Outcome("d", 2, 10, None)])
    assert (m.parties, m.seated) == (4, 3)
    assert m.mae == pytest.approx((0 + 10 + 6) / 3)
    assert m.within5 == pytest.approx(1 / 3)
    assert m.bias == pytest.approx((0 - 10 + 6) / 3)
    assert m.over5 == pytest.approx(1 / 3)


def test_tables_file_needs_only_restaurant_and_tables(tmp_path: Path) -> None:
    p = tmp_path / "t.toml"
    p.write_text('[restaurant]\nname = "X"\ntimezone = "Asia/Shanghai"\n\n'
                 '[[tables]]\nname = "A1"\nseats = 2\n', encoding="utf-8")
    layout = load_tables(p)
    assert [t.name for t in layout.tables] == ["A1"] and layout.timezone == "Asia/Shanghai"
    p.write_text('[[tables]]\nname = "A1"\nseats = "two"\n', encoding="utf-8")
    with pytest.raises(BacktestError, match="seats"):
        load_tables(p)


def write_inputs(tmp_path: Path, evs) -> tuple[Path, Path]:
    ev = tmp_path / "events.csv"
    with ev.open("w", encoding="utf-8", newline="") as fh:
        write_events_csv(evs, fh, SC.timezone)
    tb = tmp_path / "tables.toml"
    tb.write_text('[restaurant]\nname = "Bistro"\ntimezone = "Asia/Shanghai"\n' + "".join(
        f'\n[[tables]]\nname = "{t.name}"\nseats = {t.seats}\n' for t in TABLES),
        encoding="utf-8")
    return ev, tb


def test_cli_backtest_writes_quotes_and_prints_metrics(tmp_path: Path, events) -> None:
    ev, tb = write_inputs(tmp_path, events)
    out = tmp_path / "quotes.csv"
    res = CliRunner().invoke(backtest_cmd, [str(ev), "--tables", str(tb), "--out", str(out)])
    assert res.exit_code == 0, res.output
    for words in ("mean absolute error", "within 5 minutes", "mean signed error",
                  "waited >5 min longer"):
        assert words in res.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "party,quoted_minutes"
    assert len(lines) - 1 == sum(e.event == ARRIVE for e in events)


@pytest.mark.parametrize("body, message", [
    ("time,event,party,size,table\n2026-03-02T12:00:00+08:00,arrive,p1,,\n",
     "line 2: an arrive event needs a size"),
    ("time,event,party,size,table\nyesterday,arrive,p1,2,\n", "line 2"),
    ("time,event,party,size,table\n2026-03-02T12:00:00+08:00,arrive,p1,2,\n"
     "2026-03-02T12:00:00+08:00,seat,p1,2,Z9\n", "'Z9' is not in the tables file"),
    ("when,what\n1,2\n", "header"),
])
def test_cli_bad_csv_gets_a_clear_message(tmp_path: Path, events, body: str,
                                          message: str) -> None:
    _, tb = write_inputs(tmp_path, events[:1])
    bad = tmp_path / "bad.csv"
    bad.write_text(body, encoding="utf-8")
    res = CliRunner().invoke(backtest_cmd, [str(bad), "--tables", str(tb)])
    assert res.exit_code != 0
    assert message in res.output
    assert "Traceback" not in res.output and isinstance(res.exception, SystemExit)


def test_cli_missing_files(tmp_path: Path, events) -> None:
    ev, tb = write_inputs(tmp_path, events[:1])
    res = CliRunner().invoke(backtest_cmd, [str(tmp_path / "no.csv"), "--tables", str(tb)])
    assert res.exit_code != 0 and "not found" in res.output
    res = CliRunner().invoke(backtest_cmd, [str(ev), "--tables", str(tmp_path / "no.toml")])
    assert res.exit_code != 0 and "not found" in res.output
    res = CliRunner().invoke(backtest_cmd, ["--db", str(tmp_path / "no.db"),
                                            "--config", str(CONFIG_PATH)])
    assert res.exit_code != 0 and "no such database" in res.output


def test_cli_simulate_into_a_database_then_backtest_it(tmp_path: Path) -> None:
    db, cfg = tmp_path / "q.db", str(CONFIG_PATH)
    res = CliRunner().invoke(simulate_cmd, ["--db", str(db), "--days", "2", "--config", cfg,
                                            "--start", "2026-03-06", "--seed", "3"])
    assert res.exit_code == 0, res.output
    assert "wrote" in res.output
    res = CliRunner().invoke(backtest_cmd, ["--db", str(db), "--config", cfg])
    assert res.exit_code == 0, res.output
    assert "mean absolute error" in res.output
    res = CliRunner().invoke(simulate_cmd, ["--db", str(db), "--days", "1", "--config", cfg,
                                            "--scenario", "nope"])
    assert res.exit_code != 0 and "nope" in res.output


def test_backtest_and_simulate_speak_the_configs_language(tmp_path: Path) -> None:
    """Under a Chinese config, `backtest` and `simulate` printed only English."""
    import re

    zh = tmp_path / "zh.toml"
    zh.write_text(CONFIG_PATH.read_text(encoding="utf-8").replace(
        'language = "en"', 'language = "zh"', 1), encoding="utf-8")
    db = tmp_path / "q.db"
    made = CliRunner().invoke(simulate_cmd, ["--db", str(db), "--days", "1", "--config",
                                             str(zh), "--start", "2026-03-06", "--seed", "3"])
    assert made.exit_code == 0, made.output
    assert "桌模拟客人逐一预估" in made.output and "两层的火锅店" in made.output
    assert "平均绝对误差" in made.output
    out = tmp_path / "quotes.csv"
    res = CliRunner().invoke(backtest_cmd, ["--db", str(db), "--config", str(zh), "--by-size",
                                            "--out", str(out)])
    assert res.exit_code == 0, res.output
    for words in ("平均绝对误差", "5 分钟以内", "平均偏差", "比预估多等 5 分钟以上", "按人数",
                  "条预估写入"):
        assert words in res.output, res.output
    # the values stand under each other, whatever the labels' widths
    labels = ("已预估的桌数", "已入座的桌数", "平均绝对误差", "5 分钟以内", "平均偏差",
              "比预估多等 5 分钟以上")
    lines = [line for line in res.output.splitlines()
             if any(line.startswith("  " + label + " ") for label in labels)]
    assert len(lines) == len(labels), res.output
    starts = {cell_len(line) - cell_len(line[2:].split("   ", 1)[1].lstrip()) for line in lines}
    assert len(starts) == 1, lines
    # no English but the file paths, the quoter's name and the units of a table
    text = res.output.replace(str(db), "").replace(str(out), "") + made.output.replace(
        str(db), "")
    english = set(re.findall(r"[A-Za-z]{2,}", text)) - {"estimator", "hotpot"}
    assert english == set(), english
    missing = CliRunner().invoke(backtest_cmd, ["--config", str(zh)])
    assert missing.exit_code != 0 and "请给出 EVENTS.csv" in missing.output
