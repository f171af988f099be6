"""Where the files of a container source land: below filePath, each under its whole blob name."""

from __future__ import annotations

from collections.abc import Iterator

from batchprep.lint.rules._context import TaskContext
from batchprep.lint.rules._registry import Hit, Rule, register

__all__ = ["BlobPrefixLayout"]


@register
class BlobPrefixLayout(Rule):
    code = "BP305"
    name = "blob-prefix-layout"
    severity = "info"
    summary = "a container source with blobPrefix: where its files land in the working directory"

    def check(self, task: TaskContext) -> Iterator[Hit]:
        for index, resource in enumerate(task.task.resource_files or []):
            prefix = resource.blob_prefix
            if not prefix or resource.http_url is not None:
                continue
            base = (resource.file_path or "").strip("/")
            landing = f"{base}/{prefix}" if base else prefix
            below = "below filePath" if base else "in the working directory"
            yield Hit(
                f"/resourceFiles/{index}/blobPrefix",
                f"the blobs named {prefix}... land at {landing}... in the working directory: each blob keeps its "
                f"whole name {below}, the prefix included",
            )
