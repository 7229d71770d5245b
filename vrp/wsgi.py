"""WSGI entry point (gunicorn vrp.wsgi)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vrp.settings")
application = get_wsgi_application()

# Each web process builds its in-memory query database now rather than during its first visitor's request
# (insights.query.warm.warm_process).
from insights.query.warm import warm_process  # noqa: E402 - needs the application (settings, apps) first

warm_process()
