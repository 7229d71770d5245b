"""The rows a batch rejects: the problems named per file (at most ``MAX_PROBLEMS_PER_FILE``, then one line
saying how many more) and the CSV report that lists them with the offending lines' text."""

import csv
import gzip
from datetime import datetime
from pathlib import Path

from django.conf import settings

from core.problems import Problem
from core.render import csv_cell

#: Problems named per file: the first 1,000 and then one line giving how many more there were. A file of
#: 20,000 bad rows (or one row of 20,000 extra columns) says what is wrong in the first thousand as well as
#: in all of them, and the report stays small (issue 15: a 169 KB file once wrote a 2.58 GB report).
MAX_PROBLEMS_PER_FILE = 1_000
#: The longest piece of a rejected line copied into the report.
MAX_ROW_TEXT = 2_000
CAPPED = "are not listed"


def cap_problems(name: str, problems: list[Problem], rows_with_problems: int | None = None) -> list[Problem]:
    """The first ``MAX_PROBLEMS_PER_FILE`` problems of one file, then one saying how many more there were."""
    if problems and problems[-1].message.endswith(CAPPED):
        return problems
    lines = {p.line for p in problems}
    total_rows = max(rows_with_problems or 0, len(lines))
    if len(problems) <= MAX_PROBLEMS_PER_FILE and total_rows <= len(lines):
        return problems
    kept = problems[:MAX_PROBLEMS_PER_FILE]
    shown = len({p.line for p in kept})
    return [*kept, Problem(name, f"{total_rows:,} rows have problems in all; the first {shown:,} are listed, "
                                 f"the other {total_rows - shown:,} {CAPPED}")]


def write_report(source: str, paths: dict[str, Path], problems: list[Problem]) -> str:
    """Write every problem, with the offending line's text where there is one, to a CSV report; returns its path.

    ``paths`` are the batch's files by the name their problems give.
    """
    reports = Path(settings.VRP_DATA_DIR) / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now().astimezone().strftime("%Y%m%d-%H%M%S-%f")
    path = reports / f"{source}-rejected-{stamp}.csv"
    wanted: dict[str, set[int]] = {}
    for p in problems:
        if p.line and p.file in paths:
            wanted.setdefault(p.file, set()).add(p.line)
    texts = {name: raw_lines(paths[name], lines) for name, lines in wanted.items()}
    by_file: dict[str, list[Problem]] = {}
    for p in problems:
        by_file.setdefault(p.file, []).append(p)
    written: set[tuple[str, int]] = set()
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["file", "line", "column", "problem", "row"])
        for p in (p for name, listed in by_file.items() for p in cap_problems(name, listed)):
            # A line's text is written once however many problems it has (the header line of a file with
            # 20,000 extra columns is not copied 20,000 times), and at most MAX_ROW_TEXT characters of it.
            text = ""
            if p.line and (p.file, p.line) not in written:
                written.add((p.file, p.line))
                text = texts.get(p.file, {}).get(p.line, "")
                text = text if len(text) <= MAX_ROW_TEXT else text[:MAX_ROW_TEXT] + "…"
            # The rejected rows are someone else's text: written so a spreadsheet never runs them as formulas.
            writer.writerow([csv_cell(v) for v in (p.file, p.line or "", p.column or "", p.message, text)])
    return str(path)


def raw_lines(path: Path, wanted: set[int]) -> dict[int, str]:
    """The text of the given line numbers of a (possibly gzip) file, decoded leniently for the report."""
    found: dict[int, str] = {}
    last = max(wanted) if wanted else 0
    opener = gzip.open if path.name.endswith(".gz") else open
    try:
        with opener(path, "rb") as handle:
            for number, line in enumerate(handle, start=1):
                if number in wanted:
                    found[number] = line.decode("utf-8", errors="replace").rstrip("\r\n")
                if number >= last:
                    break
    except (OSError, EOFError):
        pass
    return found
