"""A job kind for the topology test, registered in its `concord worker` processes.

Each job sleeps (so a worker can be killed while holding one), then adds a team named after
the job and the process that ran it, in the job's own transaction: a job that ran twice would
leave two teams, one that never committed none.
"""

from __future__ import annotations

import os
import time

from partners.jobs import job_handler
from partners.models import Team

KIND = "topology.mark"


@job_handler(KIND)
def mark(ctx, run) -> str:
    time.sleep(run.payload["seconds"])
    name = f"job {run.payload['n']} by {os.getpid()}"
    ctx.db.add(Team(organization_id=run.payload["organization_id"], name=name))
    ctx.db.flush()
    return "Marked."
