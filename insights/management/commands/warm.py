"""``vrp warm``: compute the region's counts by every area for every whole year and type, and what each area's
profile asks for besides, now (``vrp worker`` does this by itself whenever the data change), so that the first
visitors' pages need not."""

from typing import Any

from django.core.management.base import BaseCommand

from insights.query.warm import warm_areas, warm_figures


class Command(BaseCommand):
    help = ("Keep the figures' counts by every area for every whole year and type, and each area's counts by month "
            "and type, neighbours and residents, in the shared cache.")

    def handle(self, *args: Any, **options: Any) -> None:
        computed = warm_figures()
        if computed:
            areas = warm_areas()
            self.stdout.write(f"Kept the region's counts by every area for {computed} periods and types, and what "
                              f"the profiles of its {areas:,} areas ask for besides.")
        else:
            self.stdout.write("Nothing was kept: the figure cache is switched off (VRP_PUBLIC_CACHE_SECONDS=0) "
                              "or no data are loaded.")
