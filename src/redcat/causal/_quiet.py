"""Keep library chatter out of results: catch warnings and stdout, log them at debug level.

Several estimation libraries warn under pandas 3 or print summaries to stdout (csdid's
aggregation, rdrobust's mass-point notice). Inside `quiet()` everything is caught and logged at
debug level. Warnings about the estimation itself (e.g. DoubleML's "nu2 is not positive", csdid's
"small groups") are returned so an estimator can list them in its diagnostics; deprecation
notices about the libraries' own code are only logged. Exceptions are never caught here.
"""

from __future__ import annotations

import contextlib
import io
import logging
import warnings
from collections.abc import Iterator


def _is_deprecation(category: type[Warning]) -> bool:
    """Deprecation notices (incl. pandas' Pandas4Warning) concern library code, not results."""
    return issubclass(category, (DeprecationWarning, PendingDeprecationWarning, FutureWarning))


@contextlib.contextmanager
def quiet(logger: logging.Logger, library: str) -> Iterator[list[str]]:
    """Run a block with warnings and stdout captured; yields the list of distinct messages."""
    messages: list[str] = []
    buffer = io.StringIO()
    with warnings.catch_warnings(record=True) as caught, contextlib.redirect_stdout(buffer):
        warnings.simplefilter("always")
        try:
            yield messages
        finally:  # log what was said even when the block fails
            _report(caught, buffer.getvalue().strip(), logger, library, messages)


def _report(caught, printed: str, logger: logging.Logger, library: str, messages: list[str]):
    seen: set[str] = set()
    for item in caught:
        text = f"{item.category.__name__}: {str(item.message).strip()}"
        if text in seen:
            continue
        seen.add(text)
        logger.debug("%s warned: %s", library, text)
        if not _is_deprecation(item.category):
            messages.append(text[:300])
    if printed:
        logger.debug("%s printed:\n%s", library, printed)
