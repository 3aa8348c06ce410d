"""The `station-desk-server` command; its sub-commands arrive with the regional server."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from station_desk import __version__


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="station-desk-server",
        description="Station Desk regional server. Serving, enrolment and sync are not built yet (see issue 6).",
    )
    parser.add_argument("--version", action="version", version=__version__)
    parser.parse_args(argv)
    parser.print_help()
    return 0


if __name__ == "__main__":
    sys.exit(main())
