"""``vrp evaluate project ID --out DIR [--radius 400] [--types "Robbery,..."] [--no-pdf]``: the impact evaluation
of one funded project (HTML, PDF and a CSV per table, in the Strategic Needs Assessment's style)."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from commissioning.models import Project
from core.management.cli import PlatformCommand
from monitoring.services.impact import DEFAULT_RADIUS_M, DEFAULT_TYPES, evaluate_project
from reports.services.evaluation import evaluation_report
from reports.services.sna import write_report


class Command(PlatformCommand):
    help = "Evaluate a funded project's effect on police-recorded crime (DiD, event study, synthetic control)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        one = kinds.add_parser("project", help="one project, by its identifier")
        one.add_argument("identifier")
        one.add_argument("--out", required=True)
        one.add_argument("--radius", type=float, default=DEFAULT_RADIUS_M, help="metres around delivery points")
        one.add_argument("--types", default=",".join(DEFAULT_TYPES), help="police.uk crime types, comma-separated")
        one.add_argument("--no-pdf", action="store_true", help="HTML and CSV only")

    def handle(self, *args: Any, **options: Any) -> None:
        project = Project.objects.filter(identifier=options["identifier"]).first()
        if project is None:
            raise CommandError(f"no project has the identifier {options['identifier']!r}")
        types = tuple(t.strip() for t in options["types"].split(",") if t.strip())
        try:
            evaluation = evaluate_project(project, options["radius"], types)
        except ValueError as exc:
            raise CommandError(f"{project.identifier} cannot be evaluated: {exc}") from exc
        written = write_report(evaluation_report(evaluation), Path(options["out"]), pdf=not options["no_pdf"])
        did = evaluation.did
        self.stdout.write(f"Difference in differences: {did['estimate']:+.3f} per 1,000 a quarter "
                          f"(95% interval {did['ci_low']:+.3f} to {did['ci_high']:+.3f})")
        for kind, path in written.items():
            self.stdout.write(f"{kind}: {path}")
