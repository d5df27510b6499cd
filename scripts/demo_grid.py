#!/usr/bin/env python3
"""Write the demo's synthetic population grid (INSEE Filosofi 2017, 200 m) to a CSV file.

    uv run --frozen python scripts/demo_grid.py [OUTPUT.csv]     (default: demo_grid_saint_etienne.csv)

The numbers are made up and deterministic (alleger/studies/demo_grid.py says how);
the demo (`alleger demo`) generates the same grid itself at load time, so the
file is only for looking at it or uploading it again through /etudes/.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from alleger.studies.demo_grid import csv_bytes  # noqa: E402


def main() -> None:
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "demo_grid_saint_etienne.csv")
    data = csv_bytes()
    target.write_bytes(data)
    cells = data.count(b"\n") - 1
    print(f"{target}: {cells} cells, {len(data) // 1024} KB")


if __name__ == "__main__":
    main()
