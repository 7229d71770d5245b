"""Moved to ``insights.ingest.manifest``; the old name stays while
other branches still import it (issue 21, item 4).

The old name is the same module object, so a test that patches either patches both.
"""

import sys

from insights.ingest import manifest

sys.modules[__name__] = manifest
