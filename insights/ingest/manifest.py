"""What the warehouse holds, read from the manifest (no Parquet scan)."""

from django.db.models import Count, Max, Min, Sum

from insights.models import WarehousePartition


def warehouse_summary() -> list[dict]:
    """Per source: first and last month, number of providers, rows — current partitions only."""
    rows = (WarehousePartition.objects.filter(is_current=True).values("source")
            .annotate(first_month=Min("month"), last_month=Max("month"), rows=Sum("rows"),
                      providers=Count("provider", distinct=True)).order_by("source"))
    return list(rows)
