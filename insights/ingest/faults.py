"""Named points where a test can kill the ingest process (``VRP_INGEST_FAULT=<point>``).

The fault tests start ingest as a subprocess with this variable set, so the process dies with SIGKILL
at exactly that point, and then check that the previous state is intact. Unset, it does nothing.
"""

import os
import signal

POINTS = ("after-parquet-written", "after-commit")


def fault_point(name: str) -> None:
    """Die here, as ``kill -9`` would, if the environment asks for a fault at ``name``."""
    assert name in POINTS
    if os.environ.get("VRP_INGEST_FAULT") == name:
        os.kill(os.getpid(), signal.SIGKILL)
