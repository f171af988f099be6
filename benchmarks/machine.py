"""The line each benchmark prints first: when, and on what machine and Python, it was measured."""

from __future__ import annotations

import os
import platform
from datetime import date


def describe() -> str:
    """``2026-11-26, Linux x86_64, 2 cores (AMD EPYC ...), Python 3.11.7``."""
    cpu = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return (
        f"{date.today().isoformat()}, {platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), "
        f"Python {platform.python_version()}"
    )
