"""The ``vrp`` console command: Django's manage.py under the project's settings.

``vrp ingest police-uk PATH``, ``vrp stats --by month``, ``vrp runserver`` and every other management
command run through here.
"""

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Run a management command (``argv`` defaults to ``sys.argv``)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vrp.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(argv if argv is not None else sys.argv)


if __name__ == "__main__":
    main()
