"""The data contract in code: load a dataset folder as typed frames, or report every problem.

    from redcat.data import load_dataset, validate_dataset
    dataset = load_dataset("data/default")        # raises DataContractError on any problem
    dataset.notes, dataset.note_daily, dataset.data_end, dataset.fingerprint

    report = validate_dataset("data/default")     # never raises for data problems
    print(report.format()); report.to_dict()

The contract itself lives in `redcat.contract`; this package only applies it. Modules:
`read` (find and read files), `coerce` (contract types), `schema` (pandera, per column),
`checks` (per table), `relations` (across tables), `report`, `validate`, `dataset`,
`fingerprint`, `command` (`redcat validate`).

Rules, as named in `Problem.rule` (all found in one pass; a table that cannot be read is
reported and the other tables are still checked):

- folder_missing (table "dataset"); missing_table; ambiguous_files (both .parquet and .csv);
  empty_file (0 bytes); unreadable (corrupt parquet, malformed CSV); encoding (CSV not UTF-8,
  with byte offset and line); duplicate_column.
- empty_table: a header but no rows, for every table except inapp_orders and offsite_orders,
  where no orders is a real world (`Table.allow_empty` in the contract).
- missing_column; type (a value, or a whole column, that cannot have the contract's type:
  text in numbers, non-integral counts, non-bools, unparseable timestamps/dates, a date with a
  time of day); not_null (empty, null or NaN); finite (±inf); min_value (negative money or
  counts); positive (price <= 0); allowed (industry, tier, format, channel); unique (ids, and
  the composite keys note_id,date and merchant_id,date).
- foreign_key (every `references` in the contract).
- link_not_enrolled, link_before_enrolment (link_time before the enrolled_date's midnight),
  link_before_publish, reported_before_order, order_before_publish, daily_before_publish,
  clicks_without_link (link_clicks > 0 before the note's link day, or for a note never linked).
"""

from redcat.data.command import validate_command
from redcat.data.dataset import Dataset, load_dataset
from redcat.data.fingerprint import fingerprint_dataset
from redcat.data.report import DataContractError, Problem, ValidationReport
from redcat.data.validate import validate_dataset

__all__ = [
    "DataContractError",
    "Dataset",
    "Problem",
    "ValidationReport",
    "fingerprint_dataset",
    "load_dataset",
    "validate_command",
    "validate_dataset",
]
