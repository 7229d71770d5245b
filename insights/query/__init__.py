"""The query layer: every figure over the warehouse (counts, rates, maps, the overview, priority places),
who may see what of it (``access``), and the shared cache of figure results."""
