import os

from django.core.wsgi import get_wsgi_application

# Servers and workers are production unless told otherwise (manage.py defaults to development).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpaspor.settings.production")
application = get_wsgi_application()
