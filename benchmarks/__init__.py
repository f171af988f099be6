"""Benchmarks: batchprep against msrest (azure-batch 14.2), pydantic v2 and msgspec on one payload.

Run ``python -m benchmarks`` (after ``pip install -e '.[bench]'``); ``--help`` lists the options.
Each library module (``lib_*.py``) offers the same operations on the same REST shape; the runner
measures them the same way, in interleaved rounds, in one process. ``python -m benchmarks --cli``
(``cli.py``) times the ``batchprep`` command instead, in fresh processes, against the bare process. The
status list row (``--status``, ``status.py``) runs each library in a process of its own, azure-batch
15 in its own environment.
"""
