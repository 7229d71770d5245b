"""``vrp report sna --year 2023 [--financial-year 2023] [--area CODE] [--edition public|partner] --out DIR``,
``vrp report annual --year 2023 [--edition public|partner] --out DIR`` and ``vrp report strategy --year 2025
--out DIR`` (the strategy's progress annex), and ``vrp report return --quarter 2025Q3 --out DIR`` (the Home
Office quarterly return, ``partners.services.quarterly``)."""

from pathlib import Path
from typing import Any

from django.core.management.base import CommandError, CommandParser

from core.management.cli import PlatformCommand
from reports.services.annual import build_annual_edition
from reports.services.sna import ReportPeriod, build_sna, write_report


class Command(PlatformCommand):
    help = "Generate the Strategic Needs Assessment or the annual report (HTML, PDF and a CSV per figure)."

    def add_arguments(self, parser: CommandParser) -> None:
        kinds = parser.add_subparsers(dest="kind", required=True)
        sna = kinds.add_parser("sna", help="the Strategic Needs Assessment")
        when = sna.add_mutually_exclusive_group(required=True)
        when.add_argument("--year", type=int, help="calendar year of data")
        when.add_argument("--financial-year", type=int, help="financial year, April to March, by its first year")
        sna.add_argument("--area", help="ONS code of a local authority (default: the region)")
        sna.add_argument("--edition", choices=["public", "partner"], default="public",
                         help="public: through the public release (default); partner: in full, not for publication")
        sna.add_argument("--out", required=True, help="folder to write the HTML, PDF, CSVs and their ZIP to")
        sna.add_argument("--no-pdf", action="store_true", help="HTML and CSV only")
        annual = kinds.add_parser("annual", help="the annual report's figures for a financial year")
        annual.add_argument("--year", type=int, required=True, help="financial year by its first year (2023 = 2023/24)")
        annual.add_argument("--edition", choices=["public", "partner"], default="public",
                            help="partner adds training, networks and events (not for publication)")
        annual.add_argument("--out", required=True, help="folder to write the report to")
        annual.add_argument("--no-pdf", action="store_true", help="HTML and CSV only")
        annex = kinds.add_parser("strategy", help="the response strategy's progress annex")
        annex.add_argument("--year", type=int, required=True, help="the strategy's financial year by its first year")
        annex.add_argument("--out", required=True, help="folder to write the annex to")
        annex.add_argument("--no-pdf", action="store_true", help="HTML and CSV only")
        quarterly = kinds.add_parser("return", help="the Home Office quarterly return (CSV and XLSX)")
        quarterly.add_argument("--quarter", required=True, help="financial-year quarter, e.g. 2025Q3 (October to "
                                                                "December 2025)")
        quarterly.add_argument("--out", default=".")

    def handle(self, *args: Any, **options: Any) -> None:
        out = Path(options["out"])
        if options["kind"] == "return":
            from partners.services.quarterly import Quarter, write_return

            try:
                quarter = Quarter.parse(options["quarter"])
            except ValueError as exc:
                raise CommandError(str(exc)) from None
            for path in write_return(quarter, out):
                self.stdout.write(str(path))
            return
        if options["kind"] == "sna":
            financial = options.get("financial_year") is not None
            period = ReportPeriod(options["financial_year"] if financial else options["year"], financial)
            report = build_sna(period, options.get("area"), options["edition"],
                               lambda percent, message: self.stderr.write(f"{percent:3d}% {message}"))
            report["stem"] = f"sna-{period.label.replace('/', '-')}-{options['edition']}"
            written = write_report(report, out, pdf=not options["no_pdf"])
        elif options["kind"] == "strategy":
            from reports.services.strategy_annex import build_annex
            from strategy.models import Strategy

            try:
                report = build_annex(options["year"])
            except Strategy.DoesNotExist:
                raise CommandError(f"there is no strategy for {options['year']}") from None
            written = write_report(report, out, pdf=not options["no_pdf"])
        else:
            if options["year"] < 2000:
                raise CommandError("give the financial year by its first calendar year, e.g. 2023")
            report = build_annual_edition(options["year"], options["edition"])
            written = write_report(report, out, pdf=not options["no_pdf"])
        for kind, path in written.items():
            self.stdout.write(f"{kind}: {path}")
