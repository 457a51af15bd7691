"""The `cluster` run parameter: where the heavy stages run.

`local` (the default) runs everything in this process: DuckDB and numpy for the daily sums,
LightGBM on this machine's threads. A Dask scheduler address (`tcp://host:8786`, or `tls://`)
connects a `distributed.Client`; the heavy stages then run on the cluster's workers (see
`redcat.engine.dask_path`). The workers need the same redcat version and the dataset folder at
the same path (a shared file system), since they read the parquet files themselves.

`activate(cluster)` is called once by `open_run`; `current_client()` is what the stages ask.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger(__name__)

LOCAL = "local"
# scheme://host:port, host a name, an IPv4 address or a bracketed IPv6 address.
ADDRESS = re.compile(r"^(tcp|tls)://(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.\-]*):(\d{1,5})$")
CONNECT_TIMEOUT = "20s"

_clients: dict[str, Any] = {}
_active: list[Any] = [None]


def check_cluster(value: str) -> str:
    """`local` or a scheduler address; a clear error otherwise."""
    if value == LOCAL:
        return value
    match = ADDRESS.match(value)
    if not match or not 0 < int(match.group(3)) < 65536:
        raise ValueError(
            f"must be 'local' or a Dask scheduler address such as tcp://host:8786, got {value!r}"
        )
    return value


def connect(cluster: str) -> Any | None:
    """None for `local`, else a (reused) distributed.Client connected to the scheduler."""
    check_cluster(cluster)
    if cluster == LOCAL:
        return None
    client = _clients.get(cluster)
    if client is None or client.status != "running":
        from distributed import Client

        log.info("connecting to the Dask scheduler at %s", cluster)
        client = Client(cluster, timeout=CONNECT_TIMEOUT, set_as_default=False)
        _clients[cluster] = client
    return client


def activate(cluster: str) -> Any | None:
    """Make `cluster` the one the heavy stages use from now on; returns its client."""
    client = connect(cluster)
    _active[0] = client
    return client


def current_client() -> Any | None:
    """The active Dask client, or None when the run is local."""
    return _active[0]
