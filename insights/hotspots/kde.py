"""Kernel density of points on a regular grid (quartic kernel), in British National Grid metres.

The quartic (biweight) kernel K(d) = 3 / (π h²) · (1 − d²/h²)² for d < h, 0 beyond, is the one crime
analysts use (Chainey & Ratcliffe 2005, "GIS and Crime Mapping", ch. 6). Cell size and bandwidth are
explicit arguments with checked defaults, not guessed from the data: automatic choices misfire on small
areas (STYLE.md, sfhotspot). Coordinates go from WGS84 to EPSG:27700 with pyproj; without the OSTN15 grid
that is a Helmert transform, about 2 m off, well inside a 200 m cell.
"""

import warnings
from dataclasses import dataclass

import numpy as np

MAX_CELLS = 250_000


@dataclass(frozen=True)
class DensityGrid:
    """Cell centres (lon/lat and metres), counts of points in each cell, density per km²."""

    longitude: np.ndarray
    latitude: np.ndarray
    easting: np.ndarray
    northing: np.ndarray
    count: np.ndarray
    density_per_km2: np.ndarray
    cell_size_m: float
    bandwidth_m: float


def to_british_national_grid(longitude: np.ndarray, latitude: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        transformer = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    return transformer.transform(np.asarray(longitude), np.asarray(latitude))


def to_wgs84(easting: np.ndarray, northing: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    from pyproj import Transformer

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        transformer = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    return transformer.transform(np.asarray(easting), np.asarray(northing))


def quartic_kde(longitude: np.ndarray, latitude: np.ndarray, cell_size_m: float = 200.0,
                bandwidth_m: float = 400.0, point_weights: np.ndarray | None = None) -> DensityGrid:
    """Density of the points on a grid covering them (plus one bandwidth of margin).

    ``point_weights`` (e.g. harm weights) makes each point count that much instead of once.

    Raises ValueError for no points, a bandwidth smaller than a cell (the surface would be spiky), or a
    grid of more than MAX_CELLS cells (choose a larger cell or a smaller area).
    """
    if len(longitude) == 0:
        raise ValueError("no points with a location in this selection")
    if bandwidth_m < cell_size_m:
        raise ValueError(f"bandwidth {bandwidth_m} m is smaller than the cell size {cell_size_m} m")
    x, y = to_british_national_grid(longitude, latitude)
    x0, y0 = np.floor((x.min() - bandwidth_m) / cell_size_m) * cell_size_m, \
        np.floor((y.min() - bandwidth_m) / cell_size_m) * cell_size_m
    columns = int(np.ceil((x.max() + bandwidth_m - x0) / cell_size_m))
    rows = int(np.ceil((y.max() + bandwidth_m - y0) / cell_size_m))
    if columns * rows > MAX_CELLS:
        raise ValueError(f"a {cell_size_m:.0f} m grid over these points has {columns * rows:,} cells "
                         f"(more than {MAX_CELLS:,}); use a larger cell or a smaller area")
    cx = x0 + (np.arange(columns) + 0.5) * cell_size_m
    cy = y0 + (np.arange(rows) + 0.5) * cell_size_m
    grid_x, grid_y = (a.ravel() for a in np.meshgrid(cx, cy))
    centres = np.column_stack([grid_x, grid_y])
    from scipy.spatial import cKDTree  # imported here: scipy.spatial costs every process a second at start-up

    distances = cKDTree(centres).sparse_distance_matrix(cKDTree(np.column_stack([x, y])), bandwidth_m,
                                                        output_type="coo_matrix")
    u2 = (distances.data / bandwidth_m) ** 2
    weights = 3.0 / (np.pi * bandwidth_m ** 2) * (1 - u2) ** 2
    if point_weights is not None:
        weights = weights * np.asarray(point_weights, dtype=float)[distances.col]
    density = np.bincount(distances.row, weights=weights, minlength=len(centres)) * 1e6
    cell_index = ((np.floor((y - y0) / cell_size_m)) * columns + np.floor((x - x0) / cell_size_m)).astype(int)
    count = np.bincount(cell_index, minlength=len(centres))
    lon, lat = to_wgs84(grid_x, grid_y)
    return DensityGrid(np.asarray(lon), np.asarray(lat), grid_x, grid_y, count, density, cell_size_m, bandwidth_m)
