"""A stable fingerprint of a dataset: the hash of its table files' names and bytes."""

from __future__ import annotations

import hashlib
from pathlib import Path

from redcat.contract import TABLE_ORDER
from redcat.data.read import table_files

CHUNK_BYTES = 1 << 20


def fingerprint_dataset(folder: str | Path) -> str:
    """sha256 (hex) over each contract table file's name, size and bytes, in a fixed order.

    Only the table files count, so the same files give the same fingerprint in any folder,
    whatever else lies beside them (truth.json, notes). Files are streamed in 1 MiB chunks.
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise FileNotFoundError(f"dataset folder not found: {folder}")
    digest = hashlib.sha256()
    for table in TABLE_ORDER:
        for path in table_files(folder, table):
            # Name and size delimit each file, so no two different file sets hash alike.
            digest.update(f"{path.name}\0{path.stat().st_size}\0".encode())
            with path.open("rb") as handle:
                while chunk := handle.read(CHUNK_BYTES):
                    digest.update(chunk)
    return digest.hexdigest()
