"""`python -m station_desk` runs the same command as `station-desk`."""

import sys

from station_desk.cli import main

sys.exit(main())
