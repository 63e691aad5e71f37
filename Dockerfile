FROM python:3.13-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app
RUN apt-get update && apt-get install -y --no-install-recommends libpq5 && rm -rf /var/lib/apt/lists/*
COPY requirements/ requirements/
RUN pip install -r requirements/prod.txt
COPY . .
# simplemma's dictionaries as mapped tries in /app/var/nlp, so no worker builds them at first use.
RUN python -m langlearn.nlp.dictionaries
RUN DJANGO_ENV=development python manage.py collectstatic --noinput
RUN useradd --system --uid 1000 app && chown -R app /app
USER app
EXPOSE 8000
CMD ["gunicorn", "langlearn.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "5", "--access-logfile", "-", "--preload"]
