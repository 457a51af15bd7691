"""Project paths and the fixed facts of the Red Cat world (see shared/domain.md).

Every path a module or notebook needs comes from here, never from string-built paths.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
# The repository root when running from a checkout; REDCAT_HOME overrides it for installed use.
PROJ_ROOT = Path(os.environ.get("REDCAT_HOME", PACKAGE_DIR.parents[1])).resolve()
DATA_DIR = PROJ_ROOT / "data"
DEFAULT_DATA_DIR = DATA_DIR / "default"
# REDCAT_MODELS_DIR lets tests and scheduled runs keep model versions elsewhere.
MODELS_DIR = Path(os.environ.get("REDCAT_MODELS_DIR", PROJ_ROOT / "models")).resolve()
REPORTS_DIR = PROJ_ROOT / "reports"
# REDCAT_NOTEBOOKS_DIR lets tests (and trials of new notebooks) run another notebooks folder.
NOTEBOOKS_DIR = Path(os.environ.get("REDCAT_NOTEBOOKS_DIR", PROJ_ROOT / "notebooks")).resolve()
TEMPLATES_DIR = PACKAGE_DIR / "templates"

KERNEL_NAME = "redcat"

# --- The Red Cat Plan, as announced -------------------------------------------------------
LAUNCH_DATE = date(2025, 5, 12)  # 种草直达 links available from this day
WHITELIST_INDUSTRIES = ("fmcg", "sports_outdoor", "health")  # first-wave white list
INDUSTRIES = (
    "fmcg",
    "sports_outdoor",
    "health",
    "beauty",
    "maternal_baby",
    "womenswear",
    "food",
    "home",
    "electronics",
    "other",
)
MIN_DAILY_AD_SPEND = 5_000.0  # ¥, mean daily spend in the 28 days before launch
MIN_FUNNEL_BUDGET = 50_000.0  # ¥, committed full-funnel budget
PRE_LAUNCH_SPEND_DAYS = 28
FESTIVAL_618 = (date(2025, 6, 1), date(2025, 6, 18))
# The festival calendar merchants plan by, known in advance (main-event days, both ends
# included). The conversion model's calibration uses it (redcat.features.festival_share).
FESTIVALS: tuple[tuple[date, date], ...] = (FESTIVAL_618,)
CREATOR_TIERS = ("head", "mid", "koc", "amateur")
NOTE_FORMATS = ("image", "video")
OFFSITE_CHANNELS = ("link", "search")

# --- Defaults of a run (the contract's definitions) ---------------------------------------
DEFAULT_WINDOW_DAYS = 14  # attribution window W
DEFAULT_HORIZON_HOURS = 72  # prediction horizon H; also what makes a note "linked"
