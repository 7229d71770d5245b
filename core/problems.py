"""Problems found in input files, named by file, line and column so a person can fix them."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input: where (file, line, column) and what."""

    file: str
    message: str
    line: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f", line {self.line}"
        if self.column:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class InputRejected(Exception):  # noqa: N818 - "rejected" reads better than "Error" to the people who see it
    """Raised when input cannot land; carries every problem found, not just the first."""

    def __init__(self, problems: list[Problem], shown: int = 20) -> None:
        self.problems = problems
        lines = [str(p) for p in problems[:shown]]
        if len(problems) > shown:
            lines.append(f"… and {len(problems) - shown} more problems")
        super().__init__("\n".join(lines))


class Refused(Exception):  # noqa: N818 - read as "this query was refused"
    """A well-formed request for something that is not given out (not public at this level, not in the public
    release, no data for the period); ``reason`` says why, in the users' words."""

    status = 403

    def __init__(self, reason: str, field: str = "") -> None:
        self.reason = reason
        self.field = field
        super().__init__(reason)


def nul_problems(data: object, file_name: str, where: str = "") -> list[Problem]:
    """Problems for every text in decoded JSON (``data``) that holds a NUL character: no real value does,
    and PostgreSQL cannot store one. Each names the path to the text, e.g. ``grants[3].title``."""
    if isinstance(data, str):
        return [Problem(file_name, "holds a NUL character", column=where or None)] if "\x00" in data else []
    if isinstance(data, dict):
        return [p for key, value in data.items()
                for p in nul_problems(key, file_name, where) + nul_problems(value, file_name, f"{where}.{key}"
                                                                              if where else str(key))]
    if isinstance(data, list):
        return [p for i, value in enumerate(data) for p in nul_problems(value, file_name, f"{where}[{i}]")]
    return []
