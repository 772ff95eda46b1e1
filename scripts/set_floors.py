"""Print the current F1 per table (rounded down), for raising tests/gold/floors.json by hand.

python scripts/set_floors.py            # print
python scripts/set_floors.py --write    # write floors.json, refusing to lower any floor

Three sets of floors: ``seeds`` (the bundled documents alone, for a checkout without
../shared), and the ``dev`` and ``test`` splits of all the gold.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from pipeline.evaluate import evaluate

GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold"
TABLES = ("metadata", "outline", "budgets", "schedules", "projects")


def _floors(figures: dict) -> dict[str, float]:
    return {t: math.floor(figures[t]["f1"] * 100) / 100 for t in TABLES if t in figures}


def main() -> int:
    path = GOLD / "floors.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    new = {"seeds": _floors(evaluate(GOLD, sources=("seeds",))["by_split"]["dev"])}
    report = evaluate(GOLD)
    for split in ("dev", "test"):
        new[split] = _floors(report["by_split"][split])
    print(json.dumps(new, indent=2))
    lowered = [
        f"{k}.{t}: {old[k][t]} -> {v}"
        for k in new
        for t, v in new[k].items()
        if t in old.get(k, {}) and v < old[k][t]
    ]
    if lowered:
        print("refusing to lower floors:", *lowered, sep="\n  ", file=sys.stderr)
        return 1
    if "--write" in sys.argv:
        path.write_text(json.dumps(new, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
