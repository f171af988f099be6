"""The part of a job batchprep checks: its Job Preparation Task and Job Release Task together."""

from __future__ import annotations

from batchprep import service_rules
from batchprep._fields import field
from batchprep.model import Model
from batchprep.models.release import JobReleaseTask
from batchprep.models.task import JobPreparationTask

__all__ = ["JobPreparationAndRelease"]


class JobPreparationAndRelease(Model):
    """A job's preparation and release tasks, with the rules that tie them together.

    Read a whole Job - Add body (or a job schedule's ``jobSpecification``) with it: the two tasks are
    read and checked with paths from the body's root, the job's other properties are kept in
    ``additional_properties`` untouched. The service refuses a release task without a preparation
    task, and two tasks with the same ID (``jobpreparation`` and ``jobrelease`` when omitted).

    Attributes:
        job_preparation_task: The task run on each node before any other task of the job.
        job_release_task: The task run on those nodes when the job ends; only with a preparation task.
    """

    job_preparation_task: JobPreparationTask | None = field("jobPreparationTask", "JobPreparationTask", default=None)
    job_release_task: JobReleaseTask | None = field("jobReleaseTask", "JobReleaseTask", default=None)

    _bp_checks = (service_rules.RELEASE_NEEDS_PREPARATION, service_rules.JOB_TASK_IDS_DISTINCT)
    #: Its body is part of a larger one (a job): other keys at its top level are the job's, not misspellings.
    _bp_part_of_a_body = True
