"""Start-up stays light: every ``vrp`` command and worker loads the URL configuration (all views), so a heavy
library imported at the top of a module costs every process (issue 21: ``scipy.stats`` cost each command about a
second). Heavy modules are imported where they are used."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAVY = ("scipy.stats", "scipy.spatial", "scipy.optimize", "scipy.special", "pandas", "sklearn", "esda", "libpysal")


def test_loading_every_view_imports_no_heavy_statistics_library(tmp_path: Path) -> None:
    script = ("import django, sys; django.setup(); import vrp.urls; "
              f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))")
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vrp.settings", "VRP_DATA_DIR": str(tmp_path)}
    loaded = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, check=True, capture_output=True,
                            text=True).stdout.strip()
    assert loaded == "", f"imported at start-up: {loaded}"
