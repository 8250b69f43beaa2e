"""``python -m ember run script.py [args]`` / ``python -m ember run -m pkg.mod [args]`` /
``python -m ember check script.py``."""
import sys

from .runner import main

sys.exit(main(sys.argv[1:]))
