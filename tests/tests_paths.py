"""Paths shared by test modules at import time."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
