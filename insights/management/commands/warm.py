"""``vrp warm``: compute each source's counts by area, month and type (every period and type of every area
figure is summed from them), and what each area's profile asks for besides, now (``vrp worker`` does this by
itself whenever the data change), so that the first visitors' pages need not."""

from typing import Any

from django.core.management.base import BaseCommand

from insights.query.warm import warm_areas, warm_figures


class Command(BaseCommand):
    help = ("Keep each source's counts by area, month and type (the region's records and every record), and each "
            "area's counts by month and type, neighbours and residents, in the shared cache.")

    def handle(self, *args: Any, **options: Any) -> None:
        computed = warm_figures()
        if computed:
            areas = warm_areas()
            self.stdout.write(f"Kept {computed} tables of counts by area, month and type (each source's, for the "
                              f"region's records and for every record), and what the profiles of its {areas:,} "
                              "areas ask for besides.")
        else:
            self.stdout.write("Nothing was kept: the figure cache is switched off (VRP_PUBLIC_CACHE_SECONDS=0) "
                              "or no data are loaded.")
