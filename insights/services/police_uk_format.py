"""Moved to ``insights.ingest.police_uk_format``; the old name stays while
other branches still import it (issue 21, item 4).

The old name is the same module object, so a test that patches either patches both.
"""

import sys

from insights.ingest import police_uk_format

sys.modules[__name__] = police_uk_format
