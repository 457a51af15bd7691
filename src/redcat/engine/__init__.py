"""How the heavy stages run as the data grows: one machine or a Dask cluster.

- `signals`: the note_daily rows each note has observed by its cutoff, selected by DuckDB (a
  columnar join and filter, in parallel) or numpy, then summed per note in one fixed order, so
  every engine gives bit-identical sums;
- `cache`: features cached on disk per data fingerprint, parameters and code version;
- `cluster`: the `cluster` run parameter: `local` (this machine) or a Dask scheduler address;
- `dask_path`: the same stages on Dask (dask.dataframe reading partitioned parquet, LightGBM's
  own Dask estimators, parallel scoring). Every function takes a Dask client or None.
"""
