import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
application = get_wsgi_application()

from langlearn.chunked import ChunkedBodyMiddleware  # noqa: E402  (needs the settings configured)

application = ChunkedBodyMiddleware(application)
