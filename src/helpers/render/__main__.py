"""``python -m helpers.render``."""

from helpers.render.cli import main

raise SystemExit(main())
