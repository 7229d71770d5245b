"""``vrp demo``: build the demonstration region — the West Midlands (real places and police.uk counts, synthetic
partnership data), or with ``--synthetic`` the small invented region the tests use. Every page says which
figures are real and which are synthetic."""

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from core.management.cli import PlatformCommand
from demo.region import build_demo_region, create_demo_accounts


class Command(PlatformCommand):
    help = ("Load the West Midlands demo (real boundaries, population, IMD, schools and police.uk counts from the "
            "bundle in demo/west_midlands; synthetic ED data, projects, returns, incidents and services).")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--synthetic", action="store_true",
                            help="build the small invented region instead (fictional areas, generated crime)")
        parser.add_argument("--months", type=int, default=36, help="with --synthetic")
        parser.add_argument("--first-month", default="2023-01", help="with --synthetic")
        parser.add_argument("--police-per-month", type=int, default=6000, help="with --synthetic")

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        folder = Path(settings.VRP_DATA_DIR) / "demo-source"
        if options["synthetic"]:
            result = build_demo_region(folder, options["first_month"], options["months"],
                                       police_per_month=options["police_per_month"])
            self.stdout.write(f"Synthetic demo region: {result['lsoas']} LSOAs, {result['months']}; "
                              f"police rows landed {result['police_rows']:,}, ED rows {result['ed_rows']:,} "
                              "(0 when already loaded).")
        else:
            from demo.west_midlands import build_west_midlands

            result = build_west_midlands(folder / "west-midlands")
            self.stdout.write(f"West Midlands demo: {result['lsoas']:,} LSOAs; real police.uk counts landed "
                              f"{result['police_rows']:,} crimes; synthetic ED attendances {result['ed_rows']:,}, "
                              f"{result['months']} (0 when already loaded). Schools: {result['schools']}.")
        self.stdout.write(f"Commissioning (synthetic): {result['projects']}; {result['returns']} monitoring returns "
                          "added.")
        from demo.strategy import add_strategy

        self.stdout.write(f"Strategy: {add_strategy()} commitments added (synthetic).")

        from demo.stories import add_public_story, add_story

        self.stdout.write(f"Story map: {getattr(add_story(), 'title', 'none (no routes)')} (partners); "
                          f"{add_public_story().title} (public).")

        from django.utils import timezone

        from demo.engagement import add_engagement

        engagement = add_engagement(folder / "engagement", timezone.localdate())
        self.stdout.write(f"Training, events and networks ({engagement['year']}/{(engagement['year'] + 1) % 100:02d}):"
                          f" {engagement['import']}; {engagement['members']} network members and "
                          f"{engagement['feedback']} feedback forms added.")
        for username, password in create_demo_accounts():
            self.stdout.write(f"Demo account {username}, password {password} (shown once; demonstration data only)")
        self.stdout.write(f"Done in {time.monotonic() - started:.0f} s.")
