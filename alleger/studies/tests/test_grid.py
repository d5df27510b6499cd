"""Reading the INSEE 200 m grid (Filosofi 2015 and 2017/2019 files), the projection, the demo grid."""

import numpy as np
import pytest

from alleger.studies import demo_grid, grid

HEADER_2015 = "Id_carr1km;I_est_cr;Id_carr_n;Groupe;Depcom;I_pauv;Id_car2;Idcar_200m;I_est_200;Ind;Men;Men_pauv;Men_1ind;Men_5ind;Men_prop;Men_fmp;Ind_snv;Men_surf;Men_coll;Men_mais;Log_av45;Log_45_70;Log_70_90;Log_ap90;Log_inc;Log_soc;Ind_0_3;Ind_4_5;Ind_6_10;Ind_11_17;Ind_18_24;Ind_25_39;Ind_40_54;Ind_55_64;Ind_65_79;Ind_80p;Ind_inc;Nbcar"  # noqa: E501


def _row_2015(cell, ind, men, pauv):
    values = ["x"] * 38
    values[7], values[9], values[10], values[11] = cell, ind, men, pauv
    return ";".join(values)


def test_it_reads_a_2017_file_with_commas_and_the_cell_centre_is_100_m_in():
    data = (",".join(grid.FILOSOFI_2017_COLUMNS) + "\n"
            + ",".join(["CRS3035RES200mN2029800E4254200", "a", "b", "1", "1", "42218", "120.5", "50", "12.5"]
                       + ["0"] * (len(grid.FILOSOFI_2017_COLUMNS) - 9)) + "\n").encode()
    reading = grid.read_csv(data)
    assert reading.rejected_count == 0 and reading.variant == "2017+"
    cells = reading.cells
    assert cells.north.tolist() == [2029800] and cells.east.tolist() == [4254200]
    assert cells.centres.tolist() == [[4254300.0, 2029900.0]]
    assert cells.ind.tolist() == [120.5] and cells.men_pauv.tolist() == [12.5]


def test_it_reads_a_2015_file_with_capitals_semicolons_and_decimal_commas():
    data = "\n".join([HEADER_2015, _row_2015("CRS3035RES200mN2029800E4254200", "33,5", "14", "2,5"),
                      _row_2015("CRS3035RES200mN2030000E4254200", "10", "4", "0")]).encode("latin-1")
    reading = grid.read_csv(data)
    assert reading.variant == "2015" and reading.rejected_count == 0
    assert reading.cells.ind.tolist() == [33.5, 10.0] and reading.cells.men_pauv.tolist() == [2.5, 0.0]


def test_it_says_which_rows_it_rejected_and_why():
    lines = ["idcar_200m,ind,men,men_pauv",
             "CRS3035RES200mN2029800E4254200,10,4,1",          # kept
             "CRS3035RES200mN2029800E4254200,10,4,1",          # 3: duplicate
             "CRS3035RES1000mN2029000E4254000,10,4,1",         # 4: a 1 km cell
             "N2029800E4254200,10,4,1",                        # 5: not an id
             "CRS3035RES200mN2029850E4254200,10,4,1",          # 6: off the grid
             "CRS3035RES200mN2030000E4254200,dix,4,1",         # 7: not a number
             "CRS3035RES200mN2030200E4254200,-3,4,1",          # 8: negative
             "CRS3035RES200mN2030400E4254200,10,4",            # 9: a column short
             "",
             "crs3035res200mn2030600e4254200,7,3,0"]           # 11: kept (case-insensitive)
    reading = grid.read_csv("\n".join(lines).encode())
    assert len(reading.cells) == 2
    assert [(line, reason) for line, reason, _value in reading.examples] == [
        (3, "carreau en double"), (4, "carreau d'une autre taille que 200 m"),
        (5, "identifiant de carreau illisible"), (6, "coin du carreau hors de la grille de 200 m"),
        (7, "valeur non numérique (ind, men ou men_pauv)"), (8, "valeur négative"),
        (9, "nombre de colonnes différent de l'en-tête")]
    assert reading.rejected_count == 7 and reading.rows == 9  # the blank line is no row


def test_a_file_without_the_cell_id_column_is_refused_with_its_columns_named():
    with pytest.raises(grid.GridError, match="idcar_200m.*(lat, lon)"):
        grid.read_csv(b"lat,lon\n1,2\n")


def test_without_men_pauv_it_counts_zero_and_says_so():
    reading = grid.read_csv(b"IDCAR_200M;IND\nCRS3035RES200mN2029800E4254200;12\n")
    assert reading.cells.men_pauv.tolist() == [0.0] and any("men_pauv" in n for n in reading.notes)


def test_cells_outside_the_territory_are_counted_not_kept():
    x, y = grid.to_3035([4.39], [45.43])
    inside = f"CRS3035RES200mN{int(y[0]) // 200 * 200}E{int(x[0]) // 200 * 200}"
    data = f"idcar_200m,ind\n{inside},50\nCRS3035RES200mN2029800E4254200,12\n".encode()
    reading = grid.read_csv(data, bbox=(4.30, 45.40, 4.45, 45.50))
    assert len(reading.cells) == 1 and reading.outside == 1


def test_the_projection_is_etrs89_laea_and_goes_back():
    # Saint-Étienne's town hall, about 45.4397 N, 4.3872 E: in EPSG:3035, x ≈ 3 882 000, y ≈ 2 497 000.
    x, y = grid.to_3035([4.3872], [45.4397])
    assert 3_870_000 < x[0] < 3_895_000 and 2_485_000 < y[0] < 2_510_000
    lon, lat = grid.to_wgs84(x, y)
    assert lon[0] == pytest.approx(4.3872, abs=1e-7) and lat[0] == pytest.approx(45.4397, abs=1e-7)


def test_cells_survive_their_compact_storage():
    cells = grid.read_csv(demo_grid.csv_bytes()).cells
    again = grid.Cells.from_bytes(cells.to_bytes())
    assert (again.north == cells.north).all() and (again.east == cells.east).all()
    np.testing.assert_allclose(again.ind, cells.ind, rtol=1e-6)
    assert len(cells.to_bytes()) < 20_000


def test_the_demo_grid_is_deterministic_in_the_exact_2017_format_and_within_the_demo_city():
    data = demo_grid.csv_bytes()
    assert data == demo_grid.csv_bytes()
    assert data.splitlines()[0].decode() == ",".join(grid.FILOSOFI_2017_COLUMNS)
    reading = grid.read_csv(data, bbox=demo_grid.BOX)
    assert reading.rejected_count == 0 and reading.outside == 0 and reading.variant == "2017+"
    assert 300 < len(reading.cells) < 700 and 40_000 < reading.cells.ind.sum() < 80_000
    assert len(data) < 200_000
