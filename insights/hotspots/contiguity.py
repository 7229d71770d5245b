"""Queen contiguity between polygons: neighbours share at least one boundary vertex.

This is the definition libpysal's ``Queen`` uses (Rey & Anselin 2007, "PySAL: a Python library of
spatial analytical methods"). It is computed here as a sparse product: with ``A`` the polygon × vertex
incidence matrix, polygons i and j are neighbours when ``(A Aᵀ)ᵢⱼ > 0``, i ≠ j.
"""

import numpy as np
import shapely
from scipy import sparse


def queen_weights(geometries: np.ndarray) -> sparse.csr_matrix:
    """Binary queen contiguity (n × n, zero diagonal) for an array of shapely polygons.

    Parameters
    ----------
    geometries : array of Polygon/MultiPolygon, as imported (not the web-simplified copies, whose
        independently simplified edges no longer share vertices).

    Returns
    -------
    scipy.sparse.csr_matrix of 0/1 floats.
    """
    boundaries = shapely.boundary(np.asarray(geometries, dtype=object))
    coordinates, owner = shapely.get_coordinates(boundaries, return_index=True)
    _, vertex = np.unique(coordinates, axis=0, return_inverse=True)
    n = len(geometries)
    incidence = sparse.csr_matrix((np.ones(len(owner)), (owner, vertex.ravel())), shape=(n, vertex.max() + 1))
    shared = (incidence @ incidence.T).tocsr()
    shared.setdiag(0)
    shared.eliminate_zeros()
    shared.data[:] = 1.0
    return shared
