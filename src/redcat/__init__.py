"""redcat: what the Red Cat Plan's external links are worth to Xiaohongshu."""

__version__ = "0.1.0"
