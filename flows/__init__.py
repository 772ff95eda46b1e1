"""Prefect flows of gyeoljae: thin wrappers that run library functions as tasks.

Prefect reads its settings when it is first imported, so the defaults that keep a local run
quiet, offline and self-contained are set here, before any flow module imports prefect.
Anything already set in the environment wins.
"""

from __future__ import annotations

import os
from pathlib import Path

PREFECT_DEFAULTS = {
    # keep Prefect's database and logs inside the project, not in ~/.prefect
    "PREFECT_HOME": str(Path.cwd() / ".prefect"),
    # no telemetry: there is no network, and its failure logs an ERROR line
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    # the temporary server slows down and logs flush errors when it persists every event
    "PREFECT_SERVER_SERVICES_EVENT_PERSISTER_ENABLED": "false",
    "PREFECT_UI_ENABLED": "false",
}


def configure_prefect() -> None:
    for key, value in PREFECT_DEFAULTS.items():
        os.environ.setdefault(key, value)


configure_prefect()
