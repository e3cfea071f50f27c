import os

from celery import Celery

# Servers and workers are production unless told otherwise (manage.py defaults to development).
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "mpaspor.settings.production")

app = Celery("mpaspor")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
