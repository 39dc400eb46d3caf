"""`python -m runs_emulator` runs the emulator command."""

import sys

from .cli import main

sys.exit(main())
