"""Moved to ``insights.ingest.ed``; the old name stays while
other branches still import it (issue 21, item 4).

The old name is the same module object, so a test that patches either patches both.
"""

import sys

from insights.ingest import ed

sys.modules[__name__] = ed
