"""azure-batch 15.x's models (typespec-generated, on azure-core) on the status list row.

azure-batch 15 cannot be installed next to the 14.2 that msrest's row uses: this module runs in its own
virtual environment (see ``benchmarks/__main__.py``: ``--azure15-python``).  Its models are mappings
over the REST body: reading a page builds the model objects, and a timestamp is parsed from its text
each time its attribute is read.
"""

from __future__ import annotations

from typing import Any

import azure.batch.models as m

try:
    from azure.batch._utils.model_base import _deserialize
except ImportError:  # the module's older place (15.0)
    from azure.batch._model_base import _deserialize  # type: ignore[no-redef]

NAME = "azure-batch 15"
IMPORT = "azure.batch.models"


def read_status(page: dict[str, Any]) -> list[Any]:
    """The entries of a status list page, read as the 15.x client reads a response page."""
    return _deserialize(list[m.BatchJobPreparationAndReleaseTaskStatus], page.get("value", []))  # type: ignore[no-any-return]


def read_status_and_times(page: dict[str, Any]) -> list[Any]:
    """The same, then every timestamp read once (what a report over the page does)."""
    entries = read_status(page)
    for entry in entries:
        for info in (entry.job_preparation_task_execution_info, entry.job_release_task_execution_info):
            if info is not None:
                info.start_time, info.end_time  # noqa: B018 - parsed on access
    return entries
