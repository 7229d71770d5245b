"""``vrp demo``: build the synthetic demonstration region (labelled synthetic everywhere it shows)."""

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import CommandParser

from core.management.cli import PlatformCommand
from demo.region import build_demo_region, create_demo_accounts


class Command(PlatformCommand):
    help = "Generate and load a synthetic region (areas, population, deprivation, 3 years of crime and ED data)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--months", type=int, default=36)
        parser.add_argument("--first-month", default="2023-01")
        parser.add_argument("--police-per-month", type=int, default=6000)

    def handle(self, *args: Any, **options: Any) -> None:
        folder = Path(settings.VRP_DATA_DIR) / "demo-source"
        result = build_demo_region(folder, options["first_month"], options["months"],
                                   police_per_month=options["police_per_month"])
        self.stdout.write(f"Synthetic demo region: {result['lsoas']} LSOAs, {result['months']}; "
                          f"police rows landed {result['police_rows']:,}, ED rows {result['ed_rows']:,} "
                          "(0 when already loaded).")
        self.stdout.write(f"Commissioning: {result['projects']}; {result['returns']} monitoring returns added.")
        from demo.strategy import add_strategy

        self.stdout.write(f"Strategy: {add_strategy()} commitments added (synthetic).")

        from demo.stories import add_story

        self.stdout.write(f"Story map: {getattr(add_story(), 'title', 'none (no routes)')}.")

        from django.utils import timezone

        from demo.engagement import add_engagement

        engagement = add_engagement(folder / "engagement", timezone.localdate())
        self.stdout.write(f"Training, events and networks ({engagement['year']}/{(engagement['year'] + 1) % 100:02d}):"
                          f" {engagement['import']}; {engagement['members']} network members and "
                          f"{engagement['feedback']} feedback forms added.")
        for username, password in create_demo_accounts():
            self.stdout.write(f"Demo account {username}, password {password} (shown once; synthetic region only)")
