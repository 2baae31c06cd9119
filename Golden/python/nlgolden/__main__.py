"""python -m nlgolden ... (the same as the nlgolden command)."""
import sys

from .cli import main

sys.exit(main())
