"""The ``vrp`` console command: Django's manage.py under the project's settings.

``vrp ingest police-uk PATH``, ``vrp stats --by month``, ``vrp runserver`` and every other management
command run through here.
"""

import os
import sys

INTRODUCTION = """VRP Platform: a Violence Reduction Partnership's data, funding, evidence and response.

The platform's own commands (each has --help; docs/commands.md has them all):
"""


def platform_commands() -> dict[str, str]:
    """The project's own management commands (not Django's or a library's), by name, with their app."""
    from django.core.management import get_commands

    return {name: app for name, app in sorted(get_commands().items())
            if not app.startswith(("django", "rest_framework")) and "." not in app}


def main(argv: list[str] | None = None) -> None:
    """Run a management command (``argv`` defaults to ``sys.argv``). Bare ``vrp``, ``vrp help`` or
    ``vrp --help`` first say what the platform is and list its own commands, then Django's."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vrp.settings")
    import django
    from django.core.management import execute_from_command_line

    argv = argv if argv is not None else sys.argv
    if argv[1:] in ([], ["help"], ["--help"], ["-h"]):
        django.setup()
        print(INTRODUCTION + "\n".join(f"  vrp {name:<14} ({app})" for name, app in platform_commands().items()))
        print("\nEvery other command below is Django's (migrate, runserver, createsuperuser, shell, ...).\n")
    execute_from_command_line(argv)


if __name__ == "__main__":
    main()
