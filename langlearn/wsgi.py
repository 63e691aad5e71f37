import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "langlearn.settings")
application = get_wsgi_application()

from langlearn.chunked import ChunkedBodyMiddleware  # noqa: E402  (needs the settings configured)

application = ChunkedBodyMiddleware(application)

# NLP_PRELOAD=es,fr,...: build those pipelines now; under `gunicorn --preload` that is in the master,
# and every worker shares them (langlearn/preload.py).
from langlearn.preload import preload_nlp  # noqa: E402

preload_nlp()
