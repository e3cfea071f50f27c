import os

from django.core.asgi import get_asgi_application

# Servers and workers are production unless told otherwise (manage.py defaults to development).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpaspor.settings.production")
application = get_asgi_application()
