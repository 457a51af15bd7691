"""Notes are simulated in fixed-size chunks, each with its own random stream, on a few threads.

NumPy's generators release the GIL while drawing, so two threads use two cores. Chunk
boundaries depend only on the number of notes (never on the number of threads), and each chunk
draws from its own stream, so the world is the same whatever the machine.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

CHUNK_NOTES = 65_536
MAX_THREADS = 2

T = TypeVar("T")


def chunk_bounds(n: int, size: int = CHUNK_NOTES) -> list[tuple[int, int, int]]:
    """(chunk index, lo, hi) covering 0..n-1."""
    return [(i, lo, min(lo + size, n)) for i, lo in enumerate(range(0, n, size))]


def map_chunks(fn: Callable[[int, int, int], T], n: int) -> Iterator[T]:
    """fn(index, lo, hi) over the chunks, in chunk order, on up to MAX_THREADS threads."""
    bounds = chunk_bounds(n)
    workers = max(1, min(MAX_THREADS, os.cpu_count() or 1, len(bounds)))
    if workers == 1:
        yield from (fn(*b) for b in bounds)
        return
    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from pool.map(lambda b: fn(*b), bounds)
