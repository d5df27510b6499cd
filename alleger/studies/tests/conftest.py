import pytest

from alleger.places.models import Place, Service
from alleger.studies import grid as grid_module
from alleger.studies import services


def grid_csv(rows: list[tuple[float, float, float, float]]) -> bytes:
    """A 2017-style CSV with one cell per (lon, lat, people, poor households): the cell holding the point."""
    lines = ["idcar_200m;ind;men;men_pauv"]
    for lon, lat, people, poor in rows:
        x, y = grid_module.to_3035([lon], [lat])
        lines.append(f"CRS3035RES200mN{int(y[0]) // 200 * 200}E{int(x[0]) // 200 * 200};{people};{people / 2};{poor}")
    return "\n".join(lines).encode()


#: A small town: a 7 × 7 block of cells around (4.39, 45.43), 200 m apart (about 0.0026° of longitude).
TOWN = [(4.38 + i * 0.0026, 45.425 + j * 0.0018, 10.0 + 10 * ((i * 7 + j) % 5), float((i + j) % 3))
        for i in range(7) for j in range(7)]


@pytest.fixture
def town_grid(territory, cell_member):
    return services.grid_upload(territory=territory, user=cell_member, name="Ville test", data=grid_csv(TOWN))


def make_place(territory, name, lat, lon, kind=Service.Kind.INTERNET, hours="", **fields):
    place = Place.objects.create(territory=territory, name=name, place_type=fields.pop("place_type", "epn"),
                                 profile_mediation=fields.pop("profile_mediation", True), address="1 rue X",
                                 lat=lat, lon=lon, **fields)
    Service.objects.create(place=place, name=f"Service de {name}", kind=kind, opening_hours=hours)
    return place
