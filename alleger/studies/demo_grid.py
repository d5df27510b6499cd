"""A synthetic population grid of the demo's Saint-Étienne, in the exact INSEE Filosofi 2017 200 m format.

Made up, not INSEE's figures: deterministic (the same bytes every time, no
random generator: a fixed hash of each cell's coordinates gives its noise), so
the demo's studies always answer the same. Densities follow the demo
neighbourhoods: a dense centre, dense and poorer Crêt de Roch and Montreynaud
(its tower blocks), lighter Carnot – Bellevue and Jacquard, and a park without
inhabitants. The demo generates it at load time (`studies.demo`); the script
`scripts/demo_grid.py` writes the same CSV to a file. Nothing is committed.
"""

from __future__ import annotations

import io
import math

import numpy as np

from .grid import CELL, FILOSOFI_2017_COLUMNS, HALF, to_3035, to_wgs84

#: The demo city's box (territories.demo): lon 4.365–4.415, lat 45.415–45.460.
BOX = (4.365, 45.415, 4.415, 45.460)
#: Saint-Étienne's INSEE code.
COG = "42218"

# (lon, lat, peak people per cell, spread in metres, share of poor households)
CENTRES = [
    (4.390, 45.4375, 260, 700, 0.18),   # centre-ville
    (4.407, 45.4380, 230, 450, 0.34),   # Crêt de Roch
    (4.372, 45.4370, 150, 500, 0.16),   # Jacquard
    (4.395, 45.4220, 120, 900, 0.14),   # Carnot – Bellevue
    (4.375, 45.4535, 330, 380, 0.41),   # Montreynaud, the tower blocks (north-west)
    (4.408, 45.4555, 90, 400, 0.22),    # north-east, a small estate
    (4.410, 45.4180, 140, 350, 0.29),   # south-east
]
#: A park: nobody lives there.
PARK = (4.382, 45.4465, 260)

# Age groups of the file (shares of `ind`), then housing age (shares of `men`).
AGES = [("ind_0_3", .045), ("ind_4_5", .025), ("ind_6_10", .06), ("ind_11_17", .08), ("ind_18_24", .11),
        ("ind_25_39", .2), ("ind_40_54", .18), ("ind_55_64", .12), ("ind_65_79", .13), ("ind_80p", .05)]


def _noise(north: int, east: int, salt: int = 0) -> float:
    """A fixed pseudo-random number in [0, 1) from a cell's corner (a small integer hash)."""
    h = (north * 73856093) ^ (east * 19349663) ^ (salt * 83492791)
    h = (h ^ (h >> 13)) * 1274126177 & 0xFFFFFFFF
    return ((h ^ (h >> 16)) & 0xFFFFFF) / float(0x1000000)


def cells() -> list[dict]:
    """The populated cells: their corner, people, households, poor households, in Filosofi's columns."""
    xs, ys = to_3035([BOX[0], BOX[2], BOX[0], BOX[2]], [BOX[1], BOX[1], BOX[3], BOX[3]])
    east0, east1 = int(min(xs) // CELL * CELL), int(max(xs) // CELL * CELL)
    north0, north1 = int(min(ys) // CELL * CELL), int(max(ys) // CELL * CELL)
    easts = np.arange(east0, east1 + CELL, CELL)
    norths = np.arange(north0, north1 + CELL, CELL)
    grid_e, grid_n = np.meshgrid(easts, norths)
    grid_e, grid_n = grid_e.ravel(), grid_n.ravel()
    lon, lat = to_wgs84(grid_e + HALF, grid_n + HALF)
    inside = (lon >= BOX[0]) & (lon <= BOX[2]) & (lat >= BOX[1]) & (lat <= BOX[3])
    cx, cy = to_3035([c[0] for c in CENTRES], [c[1] for c in CENTRES])
    px, py = to_3035([PARK[0]], [PARK[1]])
    rows = []
    for e, n in zip(grid_e[inside], grid_n[inside], strict=True):
        x, y = e + HALF, n + HALF
        if math.hypot(x - px[0], y - py[0]) < PARK[2]:
            continue
        people, poor_share = 8.0, 0.1
        weights = []
        for (_lon, _lat, peak, spread, poor), ex, ey in zip(CENTRES, cx, cy, strict=True):
            w = peak * math.exp(-((x - ex) ** 2 + (y - ey) ** 2) / (2 * spread ** 2))
            people += w
            weights.append((w, poor))
        total_w = sum(w for w, _ in weights)
        if total_w > 0:
            poor_share = 0.1 + sum(w * p for w, p in weights) / total_w * min(1.0, total_w / 60)
        people *= 0.6 + 0.8 * _noise(int(n), int(e))
        if people < 11:  # Filosofi publishes no cell under 11 households: the sparse edge is left out
            continue
        people = round(people, 1)
        households = round(people / (2.0 + 0.4 * _noise(int(n), int(e), 1)), 1)
        poor = round(households * min(0.6, poor_share * (0.8 + 0.4 * _noise(int(n), int(e), 2))), 1)
        rows.append({"north": int(n), "east": int(e), "ind": people, "men": households, "men_pauv": poor})
    return rows


def _fmt(value: float) -> str:
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def csv_bytes() -> bytes:
    """The CSV (comma-separated, the 2017 header), deterministic."""
    out = io.StringIO()
    out.write(",".join(FILOSOFI_2017_COLUMNS) + "\n")
    for row in cells():
        n, e, ind, men, pauv = row["north"], row["east"], row["ind"], row["men"], row["men_pauv"]
        r = _noise(n, e, 3)
        values = {
            "idcar_200m": f"CRS3035RES200mN{n}E{e}",
            "idcar_1km": f"CRS3035RES1000mN{n // 1000 * 1000}E{e // 1000 * 1000}",
            "idcar_nat": f"CRS3035RES2000mN{n // 2000 * 2000}E{e // 2000 * 2000}",
            "i_est_200": "1" if ind >= 50 else "0", "i_est_1km": "1", "lcog_geo": COG,
            "ind": _fmt(ind), "men": _fmt(men), "men_pauv": _fmt(pauv),
            "men_1ind": _fmt(men * (0.35 + 0.2 * r)), "men_5ind": _fmt(men * 0.06),
            "men_prop": _fmt(men * (0.55 - 0.4 * pauv / max(men, 1))), "men_fmp": _fmt(men * 0.1),
            "ind_snv": _fmt(ind * (20500 - 9000 * pauv / max(men, 1))), "men_surf": _fmt(men * (62 + 20 * r)),
            "men_coll": _fmt(men * (0.85 - 0.3 * r)), "men_mais": _fmt(men * (0.15 + 0.3 * r)),
            "log_av45": _fmt(men * 0.3), "log_45_70": _fmt(men * 0.35), "log_70_90": _fmt(men * 0.2),
            "log_ap90": _fmt(men * 0.15), "log_inc": "0", "log_soc": _fmt(men * min(0.9, pauv / max(men, 1) * 1.5)),
            "ind_inc": "0",
        }
        values.update({name: _fmt(ind * share) for name, share in AGES})
        out.write(",".join(values[c] for c in FILOSOFI_2017_COLUMNS) + "\n")
    return out.getvalue().encode()
