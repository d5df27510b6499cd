"""The INSEE 200 m population grid (« carroyage » Filosofi): reading the CSV, projecting, storing compactly.

The files: 2015 (`Idcar_200m`, `I_est_200`, `Ind`, `Men`, `Men_pauv`…) and
2017/2019 (`idcar_200m`, `idcar_1km`, `i_est_200`, `ind`, `men`, `men_pauv`…),
separated by ',' or ';'. Column names are read case-insensitively; only the cell
id and `ind` are required (`men`, `men_pauv` default to 0 and the reader says
so). A cell id « CRS3035RES200mN2029800E4254200 » gives the lower-left corner
in EPSG:3035 (ETRS89-LAEA, metres): northing 2 029 800, easting 4 254 200; the
centre is 100 m further on both axes.

Places are in WGS84 (lat/lon); `to_3035` projects them with pyproj (always_xy:
lon, lat in, x = easting, y = northing out).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from django.utils.translation import gettext as _
from pyproj import Transformer

CELL = 200
HALF = CELL // 2
CELL_ID = re.compile(r"^CRS3035RES(\d+)mN(\d+)E(\d+)$", re.IGNORECASE)
#: A territory's file is a few tens of thousands of cells; the national file (2.3 M rows) is refused.
MAX_ROWS = 400_000
#: Rejected rows listed one by one (the rest are counted by reason).
LISTED_REJECTIONS = 50


@lru_cache(maxsize=2)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def to_3035(lon, lat) -> tuple[np.ndarray, np.ndarray]:
    """WGS84 lon/lat (arrays or numbers) → EPSG:3035 easting, northing (metres)."""
    x, y = _transformer("EPSG:4326", "EPSG:3035").transform(np.asarray(lon, float), np.asarray(lat, float))
    return np.asarray(x, float), np.asarray(y, float)


def to_wgs84(x, y) -> tuple[np.ndarray, np.ndarray]:
    """EPSG:3035 easting, northing → WGS84 lon, lat."""
    lon, lat = _transformer("EPSG:3035", "EPSG:4326").transform(np.asarray(x, float), np.asarray(y, float))
    return np.asarray(lon, float), np.asarray(lat, float)


def cell_id(north: int, east: int) -> str:
    return f"CRS3035RES200mN{int(north)}E{int(east)}"


@dataclass
class Cells:
    """Populated 200 m cells as parallel arrays (lower-left corners in EPSG:3035)."""

    north: np.ndarray  # int64
    east: np.ndarray  # int64
    ind: np.ndarray  # float64: people (Filosofi values are estimates, sometimes fractional)
    men: np.ndarray  # households
    men_pauv: np.ndarray  # poor households

    def __len__(self):
        return len(self.north)

    @property
    def centres(self) -> np.ndarray:
        """(n, 2) array of cell centres (x = easting, y = northing)."""
        return np.column_stack([self.east + HALF, self.north + HALF]).astype(float)

    def subset(self, mask) -> Cells:
        return Cells(self.north[mask], self.east[mask], self.ind[mask], self.men[mask], self.men_pauv[mask])

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        np.savez_compressed(buffer, north=self.north.astype(np.int32), east=self.east.astype(np.int32),
                            ind=self.ind.astype(np.float32), men=self.men.astype(np.float32),
                            men_pauv=self.men_pauv.astype(np.float32))
        return buffer.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> Cells:
        with np.load(io.BytesIO(bytes(data))) as arrays:
            return cls(arrays["north"].astype(np.int64), arrays["east"].astype(np.int64),
                       arrays["ind"].astype(float), arrays["men"].astype(float), arrays["men_pauv"].astype(float))


@dataclass
class Reading:
    cells: Cells
    rows: int = 0
    #: Reason → number of rows rejected for it.
    rejected: dict[str, int] = field(default_factory=dict)
    #: The first rejected rows: (line number, reason, the cell id or the row's start).
    examples: list[tuple[int, str, str]] = field(default_factory=list)
    #: Cells read but outside the territory (not an error: national or departmental files).
    outside: int = 0
    notes: list[str] = field(default_factory=list)
    variant: str = ""

    @property
    def rejected_count(self) -> int:
        return sum(self.rejected.values())

    def reject(self, line: int, reason: str, sample: str) -> None:
        self.rejected[reason] = self.rejected.get(reason, 0) + 1
        if len(self.examples) < LISTED_REJECTIONS:
            self.examples.append((line, reason, sample[:60]))


class GridError(ValueError):
    """The file cannot be read at all (the message says why, in the user's language)."""


def _number(text: str, decimal_comma: bool) -> float:
    text = text.strip()
    if decimal_comma:
        text = text.replace(",", ".")
    value = float(text)
    if not np.isfinite(value):
        raise ValueError(text)
    return value


def read_csv(data: bytes, *, bbox: tuple[float, float, float, float] | None = None) -> Reading:
    """Read a Filosofi 200 m CSV. `bbox` (min_lon, min_lat, max_lon, max_lat) keeps the cells whose
    centre lies inside (the others are counted as outside the territory)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    lines = text.splitlines()
    if not lines or not lines[0].strip():
        raise GridError(_("Le fichier est vide."))
    header_line = lines[0]
    separator = ";" if header_line.count(";") > header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=separator)
    header = [h.strip().strip('"').lower() for h in next(reader)]
    positions = {name: i for i, name in enumerate(header)}
    if "idcar_200m" not in positions:
        raise GridError(_("Colonne « idcar_200m » introuvable : ce n'est pas un fichier du carroyage INSEE à "
                          "200 m (colonnes lues : %(columns)s).") % {"columns": ", ".join(header[:12])})
    if "ind" not in positions:
        raise GridError(_("Colonne « ind » (nombre d'individus) introuvable."))
    id_col, ind_col = positions["idcar_200m"], positions["ind"]
    men_col, pauv_col = positions.get("men"), positions.get("men_pauv")
    # The 2015 file capitalises its columns (Idcar_200m, Ind, Men_pauv), the 2017 and 2019 files do not.
    variant = "2015" if "i_est_200" in positions and "idcar_1km" not in positions else "2017+"
    if "idcar_1km" not in positions and "i_est_200" not in positions:
        variant = "?"
    reading = Reading(cells=Cells(*(np.zeros(0, dtype=np.int64),) * 2, *(np.zeros(0),) * 3), variant=variant)
    if men_col is None:
        reading.notes.append(_("Pas de colonne « men » : nombre de ménages compté 0."))
    if pauv_col is None:
        reading.notes.append(_("Pas de colonne « men_pauv » : ménages pauvres comptés 0 (pas de pondération "
                               "possible)."))
    decimal_comma = separator == ";"
    north, east, ind, men, pauv = [], [], [], [], []
    seen: set[str] = set()
    width = len(header)
    for number, row in enumerate(reader, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        reading.rows += 1
        if reading.rows > MAX_ROWS:
            raise GridError(_("Plus de %(max)d lignes : découpez le fichier au territoire (le fichier national "
                              "est trop grand).") % {"max": MAX_ROWS})
        sample = row[id_col].strip() if len(row) > id_col else separator.join(row)[:60]
        if len(row) != width:
            reading.reject(number, _("nombre de colonnes différent de l'en-tête"), sample)
            continue
        match = CELL_ID.match(sample)
        if not match:
            reading.reject(number, _("identifiant de carreau illisible"), sample)
            continue
        if int(match.group(1)) != CELL:
            reading.reject(number, _("carreau d'une autre taille que 200 m"), sample)
            continue
        n, e = int(match.group(2)), int(match.group(3))
        if n % CELL or e % CELL:
            reading.reject(number, _("coin du carreau hors de la grille de 200 m"), sample)
            continue
        try:
            people = _number(row[ind_col], decimal_comma)
            households = _number(row[men_col], decimal_comma) if men_col is not None else 0.0
            poor = _number(row[pauv_col], decimal_comma) if pauv_col is not None else 0.0
        except ValueError:
            reading.reject(number, _("valeur non numérique (ind, men ou men_pauv)"), sample)
            continue
        if people < 0 or households < 0 or poor < 0:
            reading.reject(number, _("valeur négative"), sample)
            continue
        key = f"{n}:{e}"
        if key in seen:
            reading.reject(number, _("carreau en double"), sample)
            continue
        seen.add(key)
        north.append(n)
        east.append(e)
        ind.append(people)
        men.append(households)
        pauv.append(poor)
    cells = Cells(np.asarray(north, dtype=np.int64), np.asarray(east, dtype=np.int64), np.asarray(ind, float),
                  np.asarray(men, float), np.asarray(pauv, float))
    if bbox is not None and len(cells):
        lon, lat = to_wgs84(cells.east + HALF, cells.north + HALF)
        inside = (lon >= bbox[0]) & (lon <= bbox[2]) & (lat >= bbox[1]) & (lat <= bbox[3])
        reading.outside = int((~inside).sum())
        cells = cells.subset(inside)
    reading.cells = cells
    return reading


FILOSOFI_2017_COLUMNS = [
    "idcar_200m", "idcar_1km", "idcar_nat", "i_est_200", "i_est_1km", "lcog_geo", "ind", "men", "men_pauv",
    "men_1ind", "men_5ind", "men_prop", "men_fmp", "ind_snv", "men_surf", "men_coll", "men_mais", "log_av45",
    "log_45_70", "log_70_90", "log_ap90", "log_inc", "log_soc", "ind_0_3", "ind_4_5", "ind_6_10", "ind_11_17",
    "ind_18_24", "ind_25_39", "ind_40_54", "ind_55_64", "ind_65_79", "ind_80p", "ind_inc",
]
