"""Find one table's file in a dataset folder and open its columns for reading, or say why not.

Reading stops short of typing: parquet columns come back as stored (one column at a time, on
demand), and the contract's CSV columns come back as text, so `coerce` can report each
unparseable cell by its row instead of the CSV reader failing the whole file at the first one.
"""

from __future__ import annotations

import codecs
import logging
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pv
import pyarrow.parquet as pq

from redcat.contract import FILE_SUFFIXES, Table
from redcat.data.report import Problem

log = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 20
# pandas writes a non-default index as these columns; they are storage detail, not data.
PANDAS_INDEX_PREFIX = "__index_level_"


def table_files(folder: Path, table: str) -> list[Path]:
    """The table's files present in the folder: `<table>.parquet` and/or `<table>.csv`."""
    return [
        folder / f"{table}{suffix}"
        for suffix in FILE_SUFFIXES
        if (folder / f"{table}{suffix}").is_file()
    ]


def locate_table(folder: Path, table: str) -> tuple[Path | None, Problem | None]:
    """The one file holding a table, or the problem that there is none or more than one."""
    found = table_files(folder, table)
    if len(found) == 1:
        return found[0], None
    if not found:
        expected = " or ".join(f"{table}{s}" for s in FILE_SUFFIXES)
        return None, Problem(table, None, "missing_table", 1, f"no {expected} in the folder")
    names = " and ".join(p.name for p in found)
    return None, Problem(
        table, None, "ambiguous_files", len(found), f"both {names} exist: keep exactly one"
    )


class UnreadableTable(Exception):
    """A table file failed part-way through reading; `.problem` says which and why."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class CsvColumns:
    """A CSV table, read whole (its contract columns as text)."""

    def __init__(self, table: pa.Table):
        self._table = table
        self.column_names: list[str] = table.column_names
        self.num_rows: int = table.num_rows

    def column(self, index: int) -> pa.ChunkedArray:
        return self._table.column(index)

    def close(self) -> None:
        self._table = None


class ParquetColumns:
    """A parquet table, read one column at a time so that a 30M-row table is never held twice
    (once as Arrow, once as pandas) in full."""

    def __init__(self, path: Path, spec: Table):
        self._path, self._spec = path, spec
        self._file = pq.ParquetFile(path)
        names = self._file.schema_arrow.names
        self._positions = [i for i, n in enumerate(names) if not n.startswith(PANDAS_INDEX_PREFIX)]
        self.column_names: list[str] = [names[i] for i in self._positions]
        self.num_rows: int = self._file.metadata.num_rows

    def column(self, index: int) -> pa.ChunkedArray:
        name = self.column_names[index]
        try:
            return self._file.read(columns=[name]).column(0)
        except (pa.ArrowException, OSError, ValueError) as err:
            log.debug("could not read %s from %s", name, self._path, exc_info=True)
            raise UnreadableTable(_unreadable(self._spec, self._path, err)) from err

    def close(self) -> None:
        self._file.close()


TableColumns = CsvColumns | ParquetColumns


def read_table_file(path: Path, spec: Table) -> tuple[TableColumns | None, Problem | None]:
    """The file's columns, or the problem that stops it being read at all."""
    if path.stat().st_size == 0:
        return None, Problem(spec.name, None, "empty_file", 1, f"{path.name} is empty (0 bytes)")
    if path.suffix == ".csv":
        bad = find_invalid_utf8(path)
        if bad is not None:
            offset, line, raw = bad
            return None, Problem(
                spec.name,
                None,
                "encoding",
                1,
                f"{path.name} is not UTF-8: byte {raw.hex(' ')} at byte offset {offset} "
                f"(line {line}); re-export it as UTF-8",
                ({"line": line, "byte_offset": offset, "bytes": raw.hex(" ")},),
            )
    try:
        if path.suffix == ".csv":
            return CsvColumns(_drop_pandas_index(_read_csv(path, spec))), None
        return ParquetColumns(path, spec), None
    except (pa.ArrowException, OSError, ValueError) as err:
        log.debug("could not read %s", path, exc_info=True)
        return None, _unreadable(spec, path, err)


def _unreadable(spec: Table, path: Path, err: BaseException) -> Problem:
    return Problem(
        spec.name, None, "unreadable", 1, f"{path.name} cannot be read: {_first_line(err)}"
    )


def _read_csv(path: Path, spec: Table) -> pa.Table:
    # The contract's columns are read as text and typed by `coerce`; only an empty cell is null
    # here, so an id such as "NA" stays an id. Extra columns are inferred as usual.
    convert = pv.ConvertOptions(
        column_types={name: pa.large_string() for name in spec.column_names},
        strings_can_be_null=True,
        quoted_strings_can_be_null=True,
        null_values=[""],
    )
    # Titles are user text and may hold quoted newlines.
    parse = pv.ParseOptions(newlines_in_values=True)
    return pv.read_csv(path, parse_options=parse, convert_options=convert)


def find_invalid_utf8(path: Path) -> tuple[int, int, bytes] | None:
    """(byte offset, line number, offending bytes) of the first invalid UTF-8, or None.

    Streams the file in 1 MiB chunks, so a large CSV is never held in memory twice.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    consumed = 0  # bytes handed to the decoder so far
    newlines = 0  # newlines in them; bytes the decoder holds back are never newlines
    with path.open("rb") as handle:
        while True:
            chunk = handle.read(CHUNK_BYTES)
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as err:
                data = pending + chunk
                offset = consumed - len(pending) + err.start
                line = newlines + data[: err.start].count(b"\n") + 1
                return offset, line, data[err.start : err.end]
            if not chunk:
                return None
            consumed += len(chunk)
            newlines += chunk.count(b"\n")


def _drop_pandas_index(table: pa.Table) -> pa.Table:
    index_columns = [n for n in table.column_names if n.startswith(PANDAS_INDEX_PREFIX)]
    return table.drop_columns(index_columns) if index_columns else table


def _first_line(err: BaseException) -> str:
    text = str(err).strip() or type(err).__name__
    return text.splitlines()[0]
