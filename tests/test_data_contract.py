"""The data contract in code (`redcat.data`): valid data loads typed; every broken rule is named."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import redcat.data.command
from contract_fixtures import DATA_END, make_valid_tables, write_tables
from redcat.contract import TABLES
from redcat.data import (
    DataContractError,
    Dataset,
    ValidationReport,
    fingerprint_dataset,
    load_dataset,
    validate_command,
    validate_dataset,
)

EXPECTED_DTYPES = {
    "string": "str",
    "bool": "bool",
    "int": "int64",
    "float": "float64",
    "timestamp": "datetime64[ns]",
    "date": "datetime64[ns]",
}

Tables = dict[str, pd.DataFrame]
Triple = tuple[str, str | None, str]


def triples(report: ValidationReport) -> list[Triple]:
    return [(p.table, p.column, p.rule) for p in report.problems]


def problem(report: ValidationReport, table: str, column: str | None, rule: str):
    found = [p for p in report.problems if (p.table, p.column, p.rule) == (table, column, rule)]
    assert len(found) == 1, report.format()
    return found[0]


@pytest.fixture
def valid_folder(tmp_path) -> Path:
    return write_tables(make_valid_tables(), tmp_path / "data")


# --- valid data --------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_valid_dataset_loads_with_contract_dtypes(tmp_path, fmt):
    tables = make_valid_tables()
    dataset = load_dataset(write_tables(tables, tmp_path, fmt))

    assert isinstance(dataset, Dataset)
    assert dataset.folder == tmp_path.resolve()
    for name, spec in TABLES.items():
        frame = getattr(dataset, name)
        assert list(frame.columns) == spec.column_names
        for column in spec.columns:
            assert str(frame[column.name].dtype) == EXPECTED_DTYPES[column.kind], (
                name,
                column.name,
            )
        pd.testing.assert_frame_equal(frame, tables[name])
    assert dataset.notes["link_time"].isna().sum() == 3  # nullable timestamps keep NaT
    assert (dataset.note_daily["date"] == dataset.note_daily["date"].dt.normalize()).all()
    assert dataset.data_end == DATA_END


def test_csv_and_parquet_give_identical_frames(tmp_path):
    tables = make_valid_tables()
    from_parquet = load_dataset(write_tables(tables, tmp_path / "p", "parquet"))
    from_csv = load_dataset(write_tables(tables, tmp_path / "c", "csv"))
    for name in TABLES:
        pd.testing.assert_frame_equal(getattr(from_parquet, name), getattr(from_csv, name))


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_extra_columns_are_kept_after_the_contract_columns(tmp_path, fmt):
    tables = make_valid_tables()
    tables["notes"].insert(0, "campaign", "618")
    tables["note_daily"]["source"] = np.arange(len(tables["note_daily"]))
    dataset = load_dataset(write_tables(tables, tmp_path, fmt))
    assert list(dataset.notes.columns) == [*TABLES["notes"].column_names, "campaign"]
    assert (dataset.notes["campaign"].astype(str) == "618").all()
    assert dataset.note_daily["source"].tolist() == list(range(len(tables["note_daily"])))


def test_optional_title_may_be_absent(tmp_path):
    tables = make_valid_tables()
    tables["notes"] = tables["notes"].drop(columns="title")
    assert "title" not in load_dataset(write_tables(tables, tmp_path)).notes


@pytest.mark.parametrize("fmt", ["parquet", "csv"])
def test_order_tables_may_have_no_rows(tmp_path, fmt):
    tables = make_valid_tables()
    tables["inapp_orders"] = tables["inapp_orders"].iloc[:0]
    tables["offsite_orders"] = tables["offsite_orders"].iloc[:0]
    dataset = load_dataset(write_tables(tables, tmp_path, fmt))
    assert len(dataset.offsite_orders) == 0
    assert str(dataset.offsite_orders["reported_time"].dtype) == "datetime64[ns]"
    assert str(dataset.offsite_orders["gmv"].dtype) == "float64"


def test_csv_variants_the_contract_accepts(tmp_path):
    tables = make_valid_tables()
    folder = write_tables(tables, tmp_path, "csv")
    merchants = pd.read_csv(folder / "merchants.csv", dtype=str, keep_default_na=False)
    merchants["has_inapp_store"] = ["1", "TRUE", "0", "true"]
    merchants["enterprise_account"] = ["True", "false", "1", "False"]
    merchants["enrolled_date"] = ["2025-05-12T00:00:00", "2025-05-14", "NA", ""]
    merchants.to_csv(folder / "merchants.csv", index=False)
    creators = pd.read_csv(folder / "creators.csv", dtype=str)
    creators["followers"] = ["1250000.0", " 8000 ", "1.2e2"]
    creators.to_csv(folder / "creators.csv", index=False)
    notes = pd.read_csv(folder / "notes.csv", dtype=str, keep_default_na=False)
    notes.loc[0, "publish_time"] = "2025-05-12T01:30:00Z"  # UTC: 09:30 in Beijing
    notes.loc[1, "publish_time"] = "2025-05-13T20:00:00+08:00"
    notes.loc[2, "publish_time"] = "2025-05-11T10:00"
    notes.to_csv(folder / "notes.csv", index=False)

    dataset = load_dataset(folder)
    assert dataset.merchants["has_inapp_store"].tolist() == [True, True, False, True]
    assert dataset.merchants["enterprise_account"].tolist() == [True, False, True, False]
    pd.testing.assert_series_equal(
        dataset.merchants["enrolled_date"], tables["merchants"]["enrolled_date"]
    )
    assert dataset.creators["followers"].tolist() == [1_250_000, 8_000, 120]
    pd.testing.assert_series_equal(dataset.notes["publish_time"], tables["notes"]["publish_time"])


def test_parquet_variants_the_contract_accepts(tmp_path):
    tables = make_valid_tables()
    folder = write_tables(tables, tmp_path, "parquet")
    notes = pq.read_table(folder / "notes.parquet")
    aware = tables["notes"]["publish_time"].dt.tz_localize("Asia/Shanghai").dt.tz_convert("UTC")
    notes = notes.set_column(
        notes.schema.get_field_index("publish_time"), "publish_time", pa.array(aware)
    )
    notes = notes.set_column(
        notes.schema.get_field_index("n_images"), "n_images", notes["n_images"].cast(pa.int16())
    )
    notes = notes.set_column(
        notes.schema.get_field_index("format"), "format", notes["format"].dictionary_encode()
    )
    pq.write_table(notes, folder / "notes.parquet")
    merchants = pq.read_table(folder / "merchants.parquet")
    index = merchants.schema.get_field_index("enrolled_date")
    pq.write_table(
        merchants.set_column(index, "enrolled_date", merchants["enrolled_date"].cast(pa.date32())),
        folder / "merchants.parquet",
    )

    dataset = load_dataset(folder)
    pd.testing.assert_frame_equal(dataset.notes, tables["notes"])
    pd.testing.assert_frame_equal(dataset.merchants, tables["merchants"])


def test_rows_in_any_order_are_fine(tmp_path):
    tables = make_valid_tables()
    tables["note_daily"] = (
        tables["note_daily"].sample(frac=1.0, random_state=3).reset_index(drop=True)
    )
    tables["merchant_daily"] = tables["merchant_daily"].iloc[::-1].reset_index(drop=True)
    assert validate_dataset(write_tables(tables, tmp_path)).ok


def test_subset_loads_its_parent_tables_too(tmp_path):
    tables = make_valid_tables()
    tables["offsite_orders"].loc[0, "gmv"] = -1.0  # not loaded, so not checked
    dataset = load_dataset(write_tables(tables, tmp_path), tables=["note_daily"])
    assert set(dataset.tables) == {"merchants", "creators", "notes", "note_daily"}
    assert dataset.offsite_orders is None
    with pytest.raises(KeyError):
        dataset.table("offsite_orders")
    assert dataset.fingerprint == fingerprint_dataset(tmp_path)


def test_subset_without_daily_tables_ends_at_the_last_timestamp(tmp_path):
    dataset = load_dataset(write_tables(make_valid_tables(), tmp_path), tables=["inapp_orders"])
    assert dataset.note_daily is None and dataset.merchant_daily is None
    assert dataset.data_end == pd.Timestamp("2025-05-16")  # the last in-app order's day


def test_unknown_table_name_is_a_caller_error(valid_folder):
    with pytest.raises(ValueError, match="unknown table"):
        load_dataset(valid_folder, tables=["posts"])


# --- fingerprint -------------------------------------------------------------------------


def test_fingerprint_depends_only_on_the_table_files(valid_folder, tmp_path):
    first = fingerprint_dataset(valid_folder)
    assert first == fingerprint_dataset(valid_folder) == load_dataset(valid_folder).fingerprint
    assert len(first) == 64

    copy = shutil.copytree(valid_folder, tmp_path / "copy")
    (copy / "truth.json").write_text("{}")
    assert fingerprint_dataset(copy) == first

    data = bytearray((copy / "creators.parquet").read_bytes())
    data[-20] ^= 1
    (copy / "creators.parquet").write_bytes(bytes(data))
    assert fingerprint_dataset(copy) != first


# --- the catalogue of bad inputs ---------------------------------------------------------


@dataclass(frozen=True)
class BadInput:
    name: str
    expected: Triple
    edit_tables: Callable[[Tables], None] | None = None
    edit_folder: Callable[[Path], None] | None = None
    fmt: str = "parquet"
    also: tuple[Triple, ...] = ()  # consequences the broken input legitimately has too


def put(table: str, column: str, row: int, value) -> Callable[[Tables], None]:
    def edit(tables: Tables) -> None:
        frame = tables[table]
        if isinstance(value, str) and not pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].astype(object)
        frame.loc[row, column] = value

    return edit


def append_copy(table: str, row: int, **changes) -> Callable[[Tables], None]:
    def edit(tables: Tables) -> None:
        extra = tables[table].iloc[[row]].assign(**changes)
        tables[table] = pd.concat([tables[table], extra], ignore_index=True)

    return edit


def replace_column(
    table: str, column: str, make: Callable[[pd.Series], object]
) -> Callable[[Tables], None]:
    def edit(tables: Tables) -> None:
        tables[table][column] = make(tables[table][column])

    return edit


def drop_column(table: str, column: str) -> Callable[[Tables], None]:
    def edit(tables: Tables) -> None:
        tables[table] = tables[table].drop(columns=column)

    return edit


def rewrite(file: str, change: Callable[[bytes], bytes]) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        (folder / file).write_bytes(change((folder / file).read_bytes()))

    return edit


def add_csv_twin(table: str) -> Callable[[Path], None]:
    def edit(folder: Path) -> None:
        pd.read_parquet(folder / f"{table}.parquet").to_csv(folder / f"{table}.csv", index=False)

    return edit


def both(*edits):
    def edit(target) -> None:
        for one in edits:
            one(target)

    return edit


def ts(text: str) -> pd.Timestamp:
    return pd.Timestamp(text)


def as_gbk(folder: Path) -> None:
    text = (folder / "notes.csv").read_text(encoding="utf-8")
    (folder / "notes.csv").write_bytes(text.encode("gbk"))


def duplicate_header_column(folder: Path) -> None:
    notes = pd.read_csv(folder / "notes.csv", dtype=str)
    pd.concat([notes, notes[["topic"]]], axis=1).to_csv(folder / "notes.csv", index=False)


def only_header(table: str) -> Callable[[Tables], None]:
    def edit(tables: Tables) -> None:
        tables[table] = tables[table].iloc[:0]

    return edit


BAD_INPUTS = [
    BadInput("folder missing", ("dataset", None, "folder_missing"), edit_folder=shutil.rmtree),
    BadInput(
        "missing table",
        ("creators", None, "missing_table"),
        edit_folder=lambda f: (f / "creators.parquet").unlink(),
    ),
    BadInput("missing column", ("notes", "price", "missing_column"), drop_column("notes", "price")),
    BadInput(
        "text in money (csv)",
        ("merchants", "pre_daily_ad_spend", "type"),
        put("merchants", "pre_daily_ad_spend", 1, "lots"),
        fmt="csv",
    ),
    BadInput(
        "bool column stored as money",
        ("merchants", "funnel_budget", "type"),
        replace_column("merchants", "funnel_budget", lambda s: s > 0),
    ),
    BadInput(
        "non-bool in bool (csv)",
        ("merchants", "has_inapp_store", "type"),
        put("merchants", "has_inapp_store", 2, "yes"),
        fmt="csv",
    ),
    BadInput(
        "non-bool text in bool (parquet)",
        ("notes", "paid_collab", "type"),
        replace_column(
            "notes", "paid_collab", lambda s: s.map({True: "yes", False: "no"}).astype("str")
        ),
    ),
    BadInput(
        "non-integral count (csv)",
        ("creators", "followers", "type"),
        put("creators", "followers", 1, "2.5"),
        fmt="csv",
    ),
    BadInput(
        "non-integral count (parquet)",
        ("note_daily", "likes", "type"),
        replace_column("note_daily", "likes", lambda s: s + 0.5),
    ),
    BadInput("duplicate id", ("notes", "note_id", "unique"), append_copy("notes", 5)),
    BadInput(
        "duplicate (note_id, date)",
        ("note_daily", "note_id,date", "unique"),
        append_copy("note_daily", 3),
    ),
    BadInput(
        "duplicate (merchant_id, date)",
        ("merchant_daily", "merchant_id,date", "unique"),
        append_copy("merchant_daily", 0, inapp_gmv=1.0),
    ),
    BadInput(
        "broken foreign key to notes",
        ("note_daily", "note_id", "foreign_key"),
        put("note_daily", "note_id", 0, "ghost"),
    ),
    BadInput(
        "broken foreign key to creators",
        ("notes", "creator_id", "foreign_key"),
        put("notes", "creator_id", 2, "c9"),
    ),
    BadInput(
        "negative money", ("inapp_orders", "gmv", "min_value"), put("inapp_orders", "gmv", 1, -5.0)
    ),
    BadInput(
        "negative count", ("note_daily", "reads", "min_value"), put("note_daily", "reads", 4, -1)
    ),
    BadInput("price zero", ("notes", "price", "positive"), put("notes", "price", 3, 0.0)),
    BadInput(
        "NaN in money",
        ("merchant_daily", "inapp_gmv", "not_null"),
        put("merchant_daily", "inapp_gmv", 7, np.nan),
    ),
    BadInput(
        "NaN text in money (csv)",
        ("merchant_daily", "ad_spend", "not_null"),
        put("merchant_daily", "ad_spend", 7, "NaN"),
        fmt="csv",
    ),
    BadInput(
        "inf in money", ("offsite_orders", "gmv", "finite"), put("offsite_orders", "gmv", 0, np.inf)
    ),
    BadInput(
        "-inf in money is reported once",
        ("merchants", "funnel_budget", "finite"),
        put("merchants", "funnel_budget", 0, -np.inf),
    ),
    BadInput(
        "null in required column", ("notes", "topic", "not_null"), put("notes", "topic", 1, None)
    ),
    BadInput(
        "null id (csv)",
        ("notes", "merchant_id", "not_null"),
        put("notes", "merchant_id", 4, ""),
        fmt="csv",
    ),
    BadInput(
        "unknown industry",
        ("merchants", "industry", "allowed"),
        put("merchants", "industry", 0, "cosmetics"),
    ),
    BadInput("unknown tier", ("creators", "tier", "allowed"), put("creators", "tier", 0, "HEAD")),
    BadInput(
        "unknown channel",
        ("offsite_orders", "channel", "allowed"),
        put("offsite_orders", "channel", 2, "tmall"),
    ),
    BadInput(
        "reported before ordered",
        ("offsite_orders", "reported_time", "reported_before_order"),
        put("offsite_orders", "reported_time", 0, ts("2025-05-12 12:59:00")),
    ),
    BadInput(
        "link before enrolment",
        ("notes", "link_time", "link_before_enrolment"),
        put("notes", "link_time", 2, ts("2025-05-13 23:59:00")),
    ),
    BadInput(
        "link for a never-enrolled merchant",
        ("notes", "link_time", "link_not_enrolled"),
        put("notes", "link_time", 3, ts("2025-05-13 10:00:00")),
    ),
    BadInput(
        "link before publish",
        ("notes", "link_time", "link_before_publish"),
        put("notes", "link_time", 1, ts("2025-05-13 19:00:00")),
    ),
    BadInput(
        "in-app order before publish",
        ("inapp_orders", "order_time", "order_before_publish"),
        put("inapp_orders", "order_time", 0, ts("2025-05-12 09:00:00")),
    ),
    BadInput(
        "off-site order before publish",
        ("offsite_orders", "order_time", "order_before_publish"),
        put("offsite_orders", "order_time", 3, ts("2025-05-14 06:00:00")),
    ),
    BadInput(
        "note_daily row before publish",
        ("note_daily", "date", "daily_before_publish"),
        append_copy("note_daily", 36, date=ts("2025-05-14")),
    ),
    BadInput(
        "link taps on a never-linked note",
        ("note_daily", "link_clicks", "clicks_without_link"),
        put("note_daily", "link_clicks", 22, 5),
    ),
    BadInput(
        "link taps before the link day",
        ("note_daily", "link_clicks", "clicks_without_link"),
        put("note_daily", "link_clicks", 8, 3),
    ),
    BadInput(
        "empty file",
        ("offsite_orders", None, "empty_file"),
        edit_folder=rewrite("offsite_orders.parquet", lambda _: b""),
    ),
    BadInput(
        "header-only merchants",
        ("merchants", None, "empty_table"),
        only_header("merchants"),
        fmt="csv",
        also=(
            ("notes", "merchant_id", "foreign_key"),
            ("merchant_daily", "merchant_id", "foreign_key"),
        ),
    ),
    BadInput("non-UTF-8 CSV", ("notes", None, "encoding"), edit_folder=as_gbk, fmt="csv"),
    BadInput(
        "unparseable timestamp (csv)",
        ("notes", "publish_time", "type"),
        put("notes", "publish_time", 2, "yesterday"),
        fmt="csv",
    ),
    BadInput(
        "date with a time of day (csv)",
        ("note_daily", "date", "type"),
        put("note_daily", "date", 5, "2025-05-14 10:00:00"),
        fmt="csv",
    ),
    BadInput(
        "both csv and parquet",
        ("creators", None, "ambiguous_files"),
        edit_folder=add_csv_twin("creators"),
    ),
    BadInput(
        "corrupt parquet",
        ("notes", None, "unreadable"),
        edit_folder=rewrite("notes.parquet", lambda b: b[: len(b) // 2]),
    ),
    BadInput(
        "duplicate header column (csv)",
        ("notes", "topic", "duplicate_column"),
        edit_folder=duplicate_header_column,
        fmt="csv",
    ),
]


def write_bad(case: BadInput, folder: Path) -> Path:
    tables = make_valid_tables()
    if case.edit_tables:
        case.edit_tables(tables)
    write_tables(tables, folder, case.fmt)
    if case.edit_folder:
        case.edit_folder(folder)
    return folder


@pytest.mark.parametrize("case", BAD_INPUTS, ids=[c.name for c in BAD_INPUTS])
def test_bad_input_is_named_exactly(case, tmp_path, capsys, monkeypatch):
    folder = write_bad(case, tmp_path / "data")
    # Validate once, through the command, keeping the report it printed (halves the test time).
    reports: list[ValidationReport] = []
    monkeypatch.setattr(
        redcat.data.command,
        "validate_dataset",
        lambda f: reports.append(validate_dataset(f)) or reports[-1],
    )

    assert validate_command(folder) == 2
    (report,) = reports
    out = capsys.readouterr().out
    assert out.strip() == report.format()
    assert "FAILED" in out and f"[{case.expected[2]}]" in out and str(report.folder) in out

    assert not report.ok
    assert sorted(triples(report), key=str) == sorted([case.expected, *case.also], key=str), (
        report.format()
    )
    found = problem(report, *case.expected)
    assert found.count >= 1 and found.message
    assert len(found.examples) <= 5
    json.dumps(report.to_dict(), allow_nan=False)  # strict JSON, even with inf in the data


def test_there_are_at_least_18_bad_inputs():
    assert len(BAD_INPUTS) >= 18


# --- what the report says ----------------------------------------------------------------


def test_many_problems_are_reported_together(tmp_path):
    tables = make_valid_tables()
    put("notes", "price", 3, 0.0)(tables)
    put("merchants", "industry", 0, "cosmetics")(tables)
    put("inapp_orders", "gmv", 1, -5.0)(tables)
    put("note_daily", "note_id", 0, "ghost")(tables)
    put("offsite_orders", "reported_time", 0, ts("2025-05-12 12:59:00"))(tables)
    folder = write_tables(tables, tmp_path)
    (folder / "creators.parquet").write_bytes(b"not parquet at all")

    with pytest.raises(DataContractError) as raised:
        load_dataset(folder)
    report = raised.value.report
    assert set(triples(report)) == {
        ("notes", "price", "positive"),
        ("merchants", "industry", "allowed"),
        ("inapp_orders", "gmv", "min_value"),
        ("note_daily", "note_id", "foreign_key"),
        ("offsite_orders", "reported_time", "reported_before_order"),
        ("creators", None, "unreadable"),
    }
    text = str(raised.value)
    assert str(folder.resolve()) in text and "FAILED: 6 problem(s) in 6 table(s)" in text
    assert text.index("merchants:") < text.index("notes:") < text.index("offsite_orders:")


def test_examples_name_the_rows_as_in_the_file(tmp_path):
    tables = make_valid_tables()
    put("notes", "price", 3, 0.0)(tables)
    append_copy("note_daily", 3)(tables)
    report = validate_dataset(write_tables(tables, tmp_path))

    price = problem(report, "notes", "price", "positive")
    assert price.count == 1
    assert price.examples == ({"row": 4, "note_id": "n4", "price": 0.0},)
    key = problem(report, "note_daily", "note_id,date", "unique")
    assert key.count == 2
    last = len(tables["note_daily"])
    assert [e["row"] for e in key.examples] == [4, last]
    assert key.examples[0]["note_id"] == "n1"


def test_cross_table_examples_show_the_parent_value(tmp_path):
    tables = make_valid_tables()
    put("notes", "link_time", 2, ts("2025-05-13 23:59:00"))(tables)
    append_copy("note_daily", 36, date=ts("2025-05-14"))(tables)
    report = validate_dataset(write_tables(tables, tmp_path))
    (link,) = problem(report, "notes", "link_time", "link_before_enrolment").examples
    assert link["note_id"] == "n3" and link["row"] == 3
    assert (
        link["link_time"] == "2025-05-13 23:59:00"
        and link["enrolled_date"] == "2025-05-14 00:00:00"
    )
    (early,) = problem(report, "note_daily", "date", "daily_before_publish").examples
    assert (
        early["row"] == len(tables["note_daily"]) and early["publish_time"] == "2025-05-15 11:00:00"
    )


def test_type_problems_show_the_value_as_written(tmp_path):
    tables = make_valid_tables()
    put("merchants", "pre_daily_ad_spend", 1, "lots")(tables)
    put("notes", "publish_time", 2, "yesterday")(tables)
    report = validate_dataset(write_tables(tables, tmp_path, "csv"))
    assert problem(report, "merchants", "pre_daily_ad_spend", "type").examples == (
        {"row": 2, "pre_daily_ad_spend": "lots"},
    )
    assert problem(report, "notes", "publish_time", "type").examples == (
        {"row": 3, "publish_time": "yesterday"},
    )


def test_encoding_problem_names_the_line(tmp_path):
    folder = write_tables(make_valid_tables(), tmp_path, "csv")
    as_gbk(folder)
    found = problem(validate_dataset(folder), "notes", None, "encoding")
    assert found.examples[0]["line"] == 2  # the first title, on the first data line
    assert "line 2" in found.message


def test_valid_report_and_command(valid_folder, capsys):
    report = validate_dataset(valid_folder)
    assert report.ok and report.problems == []
    assert report.row_counts["merchants"] == 4
    assert "OK: 7 tables, " in report.format()
    assert json.loads(json.dumps(report.to_dict()))["ok"] is True
    assert validate_command(valid_folder) == 0
    assert "OK: 7 tables" in capsys.readouterr().out
