"""Gi* benchmark on the real England and Wales LSOA 2021 boundaries (~35,700 areas, queen contiguity).

Ours (``insights.hotspots``: contiguity as a sparse incidence product, Gi* in closed form) against
PySAL (libpysal ``Queen.from_iterable`` + esda ``G_Local(star=True, permutations=0)``), same values,
same run. Prints seconds for weights and statistic, the ratio, and the largest z-score difference.
"""

import gzip
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BOUNDARIES = ROOT.parent / "shared" / "data" / "geography" / "boundaries_lsoa21.gpkg.gz"


def load() -> np.ndarray:
    from pyogrio.raw import read

    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "lsoa21.gpkg"
        with gzip.open(BOUNDARIES, "rb") as src, open(target, "wb") as dst:
            shutil.copyfileobj(src, dst)
        _, _, geometry, _ = read(target)
    return shapely.make_valid(shapely.from_wkb(geometry))


def main() -> None:
    from esda.getisord import G_Local
    from libpysal.weights import Queen

    from insights.hotspots import g_local_star, queen_weights

    geometries = load()
    values = np.random.default_rng(1).gamma(2.0, 5.0, len(geometries))
    start = time.perf_counter()
    contiguity = queen_weights(geometries)
    ours_weights = time.perf_counter() - start
    start = time.perf_counter()
    ours = g_local_star(values, contiguity)
    ours_stat = time.perf_counter() - start

    start = time.perf_counter()
    w = Queen.from_iterable(list(geometries))
    theirs_weights = time.perf_counter() - start
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        theirs = G_Local(values, w, transform="R", star=True, permutations=0)
        theirs_stat = time.perf_counter() - start
    print(f"areas: {len(geometries):,}; neighbour links: ours {contiguity.nnz:,}, libpysal {int(w.s0):,}")
    print(f"{'':14} {'weights s':>10} {'Gi* s':>8} {'total s':>8}")
    print(f"{'vrp':14} {ours_weights:10.3f} {ours_stat:8.3f} {ours_weights + ours_stat:8.3f}")
    print(f"{'libpysal+esda':14} {theirs_weights:10.3f} {theirs_stat:8.3f} {theirs_weights + theirs_stat:8.3f}")
    print(f"speed-up: weights {theirs_weights / ours_weights:.1f}×, Gi* {theirs_stat / ours_stat:.1f}×, "
          f"total {(theirs_weights + theirs_stat) / (ours_weights + ours_stat):.1f}×")
    both = np.isfinite(theirs.Zs)
    print(f"largest |z difference|: {np.max(np.abs(ours.z[both] - theirs.Zs[both])):.2e} "
          f"over {both.sum():,} areas (esda gives no z for {(~both).sum()} island(s); ours: "
          f"{ours.z[~both].round(3).tolist()})")


if __name__ == "__main__":
    main()
