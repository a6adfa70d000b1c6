"""WSGI entry point (gunicorn and friends); production settings unless told otherwise."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "practice.settings.production")

application = get_wsgi_application()
