"""How each benchmark times a call (shared by the runner and the status row's worker processes)."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def per_call(fn: Callable[[], Any], budget: float) -> float:
    """Seconds per call: the best of several timed batches sized to take about ``budget`` seconds."""
    number = 1
    while True:
        start = time.perf_counter()
        for _ in range(number):
            fn()
        spent = time.perf_counter() - start
        if spent >= budget / 5:
            break
        number *= 2
    best = spent / number
    for _ in range(4):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best
