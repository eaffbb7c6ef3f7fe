"""A job kind for the topology test, registered in its `concord worker` processes.

Each job sleeps, then adds a team named after the job and the process that ran it, in the job's
own transaction: a job that ran twice would leave two teams, one that never committed none. A
job with ``hang`` sleeps a minute on its first attempt, so the test can kill the worker holding
it while it is surely mid-job.
"""

from __future__ import annotations

import os
import time

from partners.jobs import Job, job_handler
from partners.models import Team

KIND = "topology.mark"
HANG_SECONDS = 60


@job_handler(KIND)
def mark(ctx, run) -> str:
    first_attempt = ctx.db.get(Job, run.job_id).attempts == 1
    time.sleep(
        HANG_SECONDS if run.payload.get("hang") and first_attempt else run.payload["seconds"]
    )
    name = f"job {run.payload['n']} by {os.getpid()}"
    ctx.db.add(Team(organization_id=run.payload["organization_id"], name=name))
    ctx.db.flush()
    return "Marked."
