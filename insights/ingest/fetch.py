"""Download police.uk months for users with internet, then ingest them.

data.police.uk publishes one archive per month (``/data/archive/YYYY-MM.zip``) holding the previous 36
months for every force. One download of the ``--to`` month's archive therefore covers the whole range; only
the chosen force's street-level files for the chosen months are ingested. The base address is the setting
``VRP_POLICE_UK_BASE_URL`` (tests point it at a local server).
"""

import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

from django.conf import settings

from core import archives
from core.problems import InputRejected, Problem
from insights.ingest.police_uk import STREET_FILE, ingest_police_uk
from insights.ingest.staging import IngestSummary
from insights.query.figures import parse_month


def months_between(first: str, last: str) -> list[str]:
    """Every YYYY-MM from ``first`` to ``last`` inclusive."""
    start, end = parse_month(first), parse_month(last)
    if start is None or end is None or start > end:
        raise InputRejected([Problem("fetch", f"--from {first} and --to {last} must be YYYY-MM, from ≤ to")])
    months, year, month = [], start.year, start.month
    while (year, month) <= (end.year, end.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def fetch_police_uk(force: str, first: str, last: str, actor: object = "cli", timeout: int = 600) -> IngestSummary:
    """Download the ``last`` month's archive, keep ``force``'s street files for the months, ingest them."""
    months = set(months_between(first, last))
    url = f"{settings.VRP_POLICE_UK_BASE_URL.rstrip('/')}/data/archive/{last}.zip"
    scratch = Path(settings.VRP_DATA_DIR) / "tmp"
    scratch.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=scratch) as folder:
        archive = Path(folder) / f"{last}.zip"
        try:
            with urllib.request.urlopen(url, timeout=timeout) as response, open(archive, "wb") as out:  # noqa: S310
                shutil.copyfileobj(response, out, 1 << 20)
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise InputRejected([Problem(url, f"download failed: {exc}")]) from exc
        wanted = Path(folder) / "wanted"
        wanted.mkdir()
        # police.uk's monthly archive holds 36 months of every force, far more than is taken from it: its ratio
        # is bounded, and the members taken by their total expanded size, declared and as read.
        limits = archives.default_limits()
        try:
            with zipfile.ZipFile(archive) as zf:
                taken = [m for m in zf.infolist() if (match := STREET_FILE.search(m.filename.rsplit("/", 1)[-1]))
                         and match.group("force") == force and match.group("month") in months]
                problems = archives.zip_problems(
                    zf, url, archives.ArchiveLimits(max(sum(m.file_size for m in zf.infolist()), 1),
                                                    limits.max_ratio), archive.stat().st_size)
                declared = sum(m.file_size for m in taken)
                if declared > limits.max_expanded_bytes:
                    problems.append(Problem(url, f"the files wanted expand to {declared:,} bytes; the limit is "
                                                 f"{limits.max_expanded_bytes:,} (VRP_ARCHIVE_MAX_EXPANDED_MB)"))
                if problems:
                    raise InputRejected(problems)
                allowance = limits.max_expanded_bytes
                for member in taken:
                    target = wanted / member.filename.rsplit("/", 1)[-1]
                    allowance -= archives.copy_member(zf, member, target, allowance, url)
        except zipfile.BadZipFile as exc:
            raise InputRejected([Problem(url, "the download is not a zip archive")]) from exc
        found = sorted(wanted.iterdir())
        if not found:
            raise InputRejected([Problem(url, f"the archive has no street-level files for {force} "
                                              f"from {first} to {last}")])
        return ingest_police_uk(found, actor)
