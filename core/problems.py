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
