"""Print the current F1 per table (rounded down), for raising tests/gold/floors.json by hand.

python scripts/set_floors.py            # print
python scripts/set_floors.py --write    # write floors.json, refusing to lower any floor
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from pipeline.evaluate import evaluate

GOLD = Path(__file__).resolve().parents[1] / "tests" / "gold"


def main() -> int:
    path = GOLD / "floors.json"
    old = json.loads(path.read_text()) if path.exists() else {}
    new = {}
    for key, sources in (("seeds", ("seeds",)), ("all", ("seeds", "external"))):
        report = evaluate(GOLD, sources=sources)
        new[key] = {t: math.floor(v["f1"] * 100) / 100 for t, v in report["by_table"].items()}
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
