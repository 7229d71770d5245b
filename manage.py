#!/usr/bin/env python
"""Django's command-line utility; the same as the ``vrp`` console command."""

from vrp.cli import main

if __name__ == "__main__":
    main()
