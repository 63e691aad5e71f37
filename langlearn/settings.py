"""One settings module; every knob comes from the environment (or `.env`).

Development defaults are safe and embedded so `make run` works on a bare machine.
`DJANGO_ENV=production` removes the defaults: secrets, hosts and provider keys must be given,
and the result passes `manage.py check --deploy --fail-level WARNING`.
"""

import sys
from datetime import timedelta
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DJANGO_ENV = env("DJANGO_ENV", default="development")
if DJANGO_ENV not in ("development", "production"):
    # "Production" or "prod" used to run development mode, DEBUG on, silently (issue 19).
    raise ImproperlyConfigured(f"DJANGO_ENV must be 'development' or 'production', not {DJANGO_ENV!r}.")
PRODUCTION = DJANGO_ENV == "production"
TESTING = env.bool("LANGLEARN_TESTING", default="pytest" in sys.modules)

_DEV_SECRET = "dev-only-secret-key-not-for-production-use-0123456789abcdef"
_DEV_JWT_KEY = "dev-only-jwt-signing-key-not-for-production-0123456789abcdef"

if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    JWT_SIGNING_KEY = env("JWT_SIGNING_KEY")
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    DEBUG = False
    if JWT_SIGNING_KEY == SECRET_KEY:
        raise ImproperlyConfigured("JWT_SIGNING_KEY must differ from SECRET_KEY.")
    if len(JWT_SIGNING_KEY) < 32:
        raise ImproperlyConfigured("JWT_SIGNING_KEY must be at least 32 characters.")
    if SECRET_KEY == _DEV_SECRET or JWT_SIGNING_KEY == _DEV_JWT_KEY:
        raise ImproperlyConfigured("Production refuses the public development SECRET_KEY / JWT_SIGNING_KEY.")
    if not ALLOWED_HOSTS or any(host.strip() in ("*", "") for host in ALLOWED_HOSTS):
        raise ImproperlyConfigured("Production needs ALLOWED_HOSTS naming its hosts; '*' is refused.")
else:
    SECRET_KEY = env("SECRET_KEY", default=_DEV_SECRET)
    JWT_SIGNING_KEY = env("JWT_SIGNING_KEY", default=_DEV_JWT_KEY)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
    DEBUG = env.bool("DEBUG", default=True)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework_simplejwt.token_blacklist",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "adminsortable2",
    "django_dramatiq",
    "langlearn",
    "langlearn.jobs",
    "accounts",
    "vocab",
    "flashcards",
    "packs",
    "articles",
    "adventures",
    "screens",
    "knowledge",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "langlearn.urls"
WSGI_APPLICATION = "langlearn.wsgi.application"
ASGI_APPLICATION = "langlearn.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- database ----------------------------------------------------------------------------------
# SQLite is the embedded default for `make run` only; tests and production use PostgreSQL.
_DEFAULT_DATABASE_URL = (
    "postgres://postgres@127.0.0.1:5432/langlearn" if TESTING else f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
)
DATABASES = {"default": env.db("DATABASE_URL", default=_DEFAULT_DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if PRODUCTION and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Production needs a PostgreSQL DATABASE_URL.")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.Account"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
    # Verify-only: accounts imported from the old FastAPI system (passlib pbkdf2_sha256).
    "accounts.hashers.PasslibPBKDF2SHA256Hasher",
]
if TESTING:
    # PBKDF2 at Django 6.1's 1.5M iterations costs ~0.25 s a check; tests log in hundreds of times.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- languages of API messages and the admin (Accept-Language) -----------------------------------
# Django's and DRF's own catalogues cover the admin and DRF's messages; locale/ holds ours
# (`manage.py makemessages -l es -l fr -l de --ignore=.venv`, then `compilemessages`; the .mo files
# are committed so a fresh clone needs no gettext tools).
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "locale"]
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.contrib.sessions.middleware.SessionMiddleware") + 1,
    "django.middleware.locale.LocaleMiddleware",
)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))

# Bound what one request may make us hold in memory (OWASP API4).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)  # 2.5 MB
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
AUDIO_UPLOAD_MAX_BYTES = 5 * 1024 * 1024

# --- storage -----------------------------------------------------------------------------------
STORAGE_ENDPOINT_URL = env("STORAGE_ENDPOINT_URL", default="")
STORAGE_BUCKET = env("STORAGE_BUCKET", default="")
MEDIA_URL_EXPIRE_SECONDS = env.int("MEDIA_URL_EXPIRE_SECONDS", default=600)
if STORAGE_ENDPOINT_URL and STORAGE_BUCKET:
    STORAGES = {
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "endpoint_url": STORAGE_ENDPOINT_URL,
                "bucket_name": STORAGE_BUCKET,
                "access_key": env("STORAGE_ACCESS_KEY", default=""),
                "secret_key": env("STORAGE_SECRET_KEY", default=""),
                "region_name": env("STORAGE_REGION", default="us-east-1"),
                "addressing_style": "path",  # no virtual-host names like bucket.127.0.0.1
                "signature_version": "s3v4",  # botocore would presign with legacy SigV2 otherwise
                "querystring_auth": True,
                "querystring_expire": MEDIA_URL_EXPIRE_SECONDS,
                "default_acl": None,
                "file_overwrite": False,
            },
        },
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
    }
else:
    if PRODUCTION and not env.bool("ALLOW_LOCAL_STORAGE", default=False):
        raise ImproperlyConfigured("Production needs STORAGE_ENDPOINT_URL and STORAGE_BUCKET.")
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

# --- Dramatiq ----------------------------------------------------------------------------------
# django_dramatiq's own default middleware list names dramatiq.middleware.Prometheus, which
# dramatiq 2.x no longer exports: always give the list explicitly.
BROKER_URL = env("BROKER_URL", default="")
_DRAMATIQ_MIDDLEWARE = [
    "dramatiq.middleware.AgeLimit",
    "dramatiq.middleware.TimeLimit",
    "dramatiq.middleware.Callbacks",
    "dramatiq.middleware.Retries",
    "django_dramatiq.middleware.DbConnectionsMiddleware",
    "langlearn.jobs.middleware.ImportAtBoot",
]
if BROKER_URL.startswith(("redis://", "rediss://")):
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.redis.RedisBroker",
        "OPTIONS": {"url": BROKER_URL},
        "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE,
    }
elif BROKER_URL.startswith(("amqp://", "amqps://")):
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.rabbitmq.RabbitmqBroker",
        "OPTIONS": {"url": BROKER_URL},
        "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE,
    }
elif BROKER_URL:
    raise ImproperlyConfigured("BROKER_URL must start with redis:// or amqp://.")
else:
    if PRODUCTION:
        raise ImproperlyConfigured("Production needs BROKER_URL (redis:// or amqp://).")
    DRAMATIQ_BROKER = {
        "BROKER": "dramatiq.brokers.stub.StubBroker",
        "OPTIONS": {},
        "MIDDLEWARE": _DRAMATIQ_MIDDLEWARE,
    }
# Extra broker constructor options as JSON, e.g. for Redis {"heartbeat_timeout": 60000,
# "maintenance_chance": 1000}: how soon a dead worker's unacked messages are requeued.
DRAMATIQ_BROKER["OPTIONS"].update(env.json("BROKER_OPTIONS", default={}))
DRAMATIQ_AUTODISCOVER_MODULES = ["tasks"]
# With no broker, `runserver` starts a worker thread in-process (dev only; messages live in memory).
DRAMATIQ_INPROCESS_WORKER = not BROKER_URL and not TESTING and not PRODUCTION

# --- REST framework ----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.JWTAuthentication",  # simplejwt's, user read by compiled SQL
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["langlearn.renderers.JSONRenderer"],  # orjson, DRF's formats
    "DEFAULT_PARSER_CLASSES": ["langlearn.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "langlearn.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "langlearn.openapi.AutoSchema",  # drf-spectacular's, plus list item limits
    "EXCEPTION_HANDLER": "langlearn.errors.exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env("THROTTLE_ANON", default="60/min"),
        "user": env("THROTTLE_USER", default="600/min"),
        "login": env("THROTTLE_LOGIN", default="5/min"),
        "register": env("THROTTLE_REGISTER", default="20/hour"),
        "generation": env("THROTTLE_GENERATION", default="10/min"),
        "uploads": env("THROTTLE_UPLOADS", default="30/min"),
    },
    # Behind one reverse proxy, trust one X-Forwarded-For hop, not what the client says.
    "NUM_PROXIES": env.int("NUM_PROXIES", default=0),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

ACCESS_TOKEN_LIFETIME = timedelta(minutes=env.int("ACCESS_TOKEN_MINUTES", default=15))
SIMPLE_JWT = {
    "ACCESS_TOKEN_LIFETIME": min(ACCESS_TOKEN_LIFETIME, timedelta(minutes=15)),
    "REFRESH_TOKEN_LIFETIME": timedelta(days=env.int("REFRESH_TOKEN_DAYS", default=14)),
    "ROTATE_REFRESH_TOKENS": True,
    "BLACKLIST_AFTER_ROTATION": True,
    "UPDATE_LAST_LOGIN": True,
    "SIGNING_KEY": JWT_SIGNING_KEY,
    "ALGORITHM": "HS256",
    "USER_ID_FIELD": "id",
    "USER_ID_CLAIM": "user_id",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Langlearn API",
    "DESCRIPTION": "Word bank, FSRS flashcards, packs, learner articles and adventures.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "langlearn.schema.document_error_responses",
        "langlearn.openapi.describe_operations",  # tags, summaries, descriptions, paging conventions
    ],
    "ENUM_NAME_OVERRIDES": {
        "LanguageEnum": "langlearn.languages.LANGUAGE_CHOICES",
        "PackJobStatusEnum": "packs.models.JobStatus",
        "AdventureStatusEnum": "adventures.models.AdventureStatus",
        "SceneStatusEnum": "adventures.models.SceneStatus",
        "JobStatusEnum": "langlearn.jobs.models.JobStatus",
        "WordStatusEnum": "screens.selectors.reading.WordStatus",
        "WordStatusSourceEnum": "knowledge.models.StatusSource",
        "WordStatusClientSourceEnum": "knowledge.serializers.CLIENT_SOURCES",
        "EntrySourceEnum": "vocab.models.EntrySource",
    },
}

# --- cache (throttles) -------------------------------------------------------------------------
CACHE_URL = env("CACHE_URL", default="")
if PRODUCTION and not CACHE_URL:
    # Throttles and the login lockout count in the cache: a per-process cache multiplies every
    # limit by the number of workers (25 failed logins before a 429 with 5 workers).
    raise ImproperlyConfigured("Production needs CACHE_URL (a shared cache such as redis://).")
if CACHE_URL:
    CACHES = {"default": env.cache("CACHE_URL")}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The placement test's lemma lists, one file per language (knowledge/frequency.py); empty: the
# system temp dir. `manage.py placement_lists` fills it at deploy time.
FREQUENCY_CACHE_DIR = env("FREQUENCY_CACHE_DIR", default="")

# --- providers (DESIGN.md §6) ------------------------------------------------------------------
ANTHROPIC_API_KEY = env("ANTHROPIC_API_KEY", default="")
ANTHROPIC_BASE_URL = env("ANTHROPIC_BASE_URL", default="")
LLM_MODEL = env("LLM_MODEL", default="claude-sonnet-4-6")
GEMINI_API_KEY = env("GEMINI_API_KEY", default="")
GEMINI_BASE_URL = env("GEMINI_BASE_URL", default="")
TTS_MODEL = env("TTS_MODEL", default="gemini-2.5-flash-preview-tts")
DEEPL_API_KEY = env("DEEPL_API_KEY", default="")
DEEPL_SERVER_URL = env("DEEPL_SERVER_URL", default="")
DEEPGRAM_API_KEY = env("DEEPGRAM_API_KEY", default="")
DEEPGRAM_BASE_URL = env("DEEPGRAM_BASE_URL", default="")
STT_MODEL = env("STT_MODEL", default="nova-3")
# Provider calls must finish well inside any actor's time limit (seconds).
PROVIDER_TIMEOUT_SECONDS = env.float("PROVIDER_TIMEOUT_SECONDS", default=60.0)
PROVIDER_SDK_MAX_RETRIES = env.int("PROVIDER_SDK_MAX_RETRIES", default=1)
# First backoff of an SDK-level retry (Gemini's own default is 1 s); tests make it tiny.
PROVIDER_SDK_RETRY_INITIAL_DELAY = env.float("PROVIDER_SDK_RETRY_INITIAL_DELAY", default=1.0)
# Gemini prebuilt voices are multilingual; pick one per language for a consistent sound.
TTS_DEFAULT_VOICE = env("TTS_DEFAULT_VOICE", default="Kore")
TTS_VOICES = env.dict(
    "TTS_VOICES",
    default={"es": "Kore", "fr": "Leda", "de": "Charon", "it": "Aoede", "pt": "Puck", "en": "Kore"},
)
# Long texts are spoken in chunks of whole sentences up to this size, then joined.
TTS_MAX_CHARS = env.int("TTS_MAX_CHARS", default=1500)

if PRODUCTION:
    _missing = [
        name
        for name in ("ANTHROPIC_API_KEY", "GEMINI_API_KEY", "DEEPL_API_KEY", "DEEPGRAM_API_KEY")
        if not globals()[name]
    ]
    if _missing:
        raise ImproperlyConfigured(f"Production refuses offline providers; set {', '.join(_missing)}.")

# --- product limits ----------------------------------------------------------------------------
GENERATION_DAILY_QUOTA = env.int("GENERATION_DAILY_QUOTA", default=20)

# --- background jobs (langlearn/jobs) ------------------------------------------------------------
# Automatic retries of retryable provider errors: at most JOB_MAX_ATTEMPTS runs, backing off
# exponentially with jitter from JOB_RETRY_BASE_SECONDS up to JOB_RETRY_MAX_SECONDS, and never
# after JOB_RETRY_WINDOW_SECONDS since the first run (5 attempts within an hour by default).
JOB_MAX_ATTEMPTS = env.int("JOB_MAX_ATTEMPTS", default=5)
JOB_RETRY_BASE_SECONDS = env.float("JOB_RETRY_BASE_SECONDS", default=10.0)
JOB_RETRY_MAX_SECONDS = env.float("JOB_RETRY_MAX_SECONDS", default=900.0)
JOB_RETRY_WINDOW_SECONDS = env.int("JOB_RETRY_WINDOW_SECONDS", default=3600)
# A job may make up to JOB_MAX_PROVIDER_CALLS paid provider calls (langlearn/jobs/budget.py; an
# article: the draft and each revision round with their re-ask, the translation, each speech chunk):
# past it, revision rounds are not bought and speech gets fewer chunks, and the job still finishes
# with its best draft. The default covers a draft, two rounds, the translation and 16 speech chunks.
# The actor's (best-effort) time limit is their worst case (langlearn.clients.call_budget_seconds)
# plus a margin unless JOB_TIME_LIMIT_SECONDS sets it; a run still going JOB_LEASE_MARGIN_SECONDS
# past that limit is presumed dead and the sweep re-queues it.
JOB_MAX_PROVIDER_CALLS = env.int("JOB_MAX_PROVIDER_CALLS", default=20)
JOB_TIME_LIMIT_SECONDS = env.int("JOB_TIME_LIMIT_SECONDS", default=0)
JOB_LEASE_MARGIN_SECONDS = env.int("JOB_LEASE_MARGIN_SECONDS", default=300)
# A run's claim lasts JOB_LEASE_SECONDS and is renewed every JOB_HEARTBEAT_SECONDS while the run is
# alive (up to the limit above): a killed worker's job is free again within JOB_LEASE_SECONDS.
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=45)
JOB_HEARTBEAT_SECONDS = env.float("JOB_HEARTBEAT_SECONDS", default=10.0)
# A queued job whose message has not started this long after it was due is re-enqueued.
JOB_SWEEP_GRACE_SECONDS = env.int("JOB_SWEEP_GRACE_SECONDS", default=300)
# Article URL import refuses every non-public address. Tests add 127.0.0.2/32 here to serve
# "public" pages from loopback; deliberately not read from the environment.
URL_IMPORT_ALLOWED_NETWORKS: list[str] = []
URL_IMPORT_CONNECT_TIMEOUT = env.float("URL_IMPORT_CONNECT_TIMEOUT", default=5.0)
URL_IMPORT_READ_TIMEOUT = env.float("URL_IMPORT_READ_TIMEOUT", default=10.0)
URL_IMPORT_DEADLINE = env.float("URL_IMPORT_DEADLINE", default=20.0)

# --- security (production) ---------------------------------------------------------------------
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
    STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
    # Serve collected static files (admin, Swagger UI) from the app server; dev uses runserver's.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- hardening (issue 19) ------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS.append({"NAME": "accounts.validators.NotBlankPasswordValidator"})
# Browsers may call the API from these origins (scheme://host[:port], comma-separated); none by default.
INSTALLED_APPS.append("corsheaders")
MIDDLEWARE.insert(
    MIDDLEWARE.index("django.middleware.common.CommonMiddleware"), "corsheaders.middleware.CorsMiddleware"
)
CORS_ALLOWED_ORIGINS = env.list("CORS_ALLOWED_ORIGINS", default=[])
CORS_URLS_REGEX = r"^/(api|bff)/.*$"
CORS_EXPOSE_HEADERS = ["Retry-After", "Idempotent-Replayed"]
# Idempotency-Key answers are replayed for this long (langlearn/idempotency.py).
IDEMPOTENCY_KEY_HOURS = env.int("IDEMPOTENCY_KEY_HOURS", default=24)
# Password change and reset (accounts): throttled per user / client; reset links by email.
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["password"] = env("THROTTLE_PASSWORD", default="10/hour")
# Django 6.1's MAILERS (EMAIL_BACKEND is deprecated): SMTP when EMAIL_HOST is set, else the console.
if env("EMAIL_HOST", default=""):
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": env("EMAIL_HOST"),
                "port": env.int("EMAIL_PORT", default=587),
                "username": env("EMAIL_HOST_USER", default=""),
                "password": env("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": env.bool("EMAIL_USE_TLS", default=True),
                "timeout": 10,
            },
        }
    }
elif PRODUCTION:
    raise ImproperlyConfigured("Production needs EMAIL_HOST (SMTP) to send password reset emails.")
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Langlearn <no-reply@langlearn.example>")
# Where a reset email sends the learner; the app reads uid and token and POSTs them to
# /api/auth/password/reset/confirm.
PASSWORD_RESET_URL = env("PASSWORD_RESET_URL", default="langlearn://reset-password?uid={uid}&token={token}")
EXPORT_LINK_SECONDS = env.int("EXPORT_LINK_SECONDS", default=900)
# A learner's account export (GET/POST /api/auth/me/export) is deleted from storage this long after
# it is built (and at once when a newer one is built): a whole account's data does not lie about.
EXPORT_RETENTION_HOURS = env.int("EXPORT_RETENTION_HOURS", default=7 * 24)

# --- database: performance (bench/peer.sh; issue 20) -------------------------------------------
# The PostgreSQL backend's health check reads the connection's state instead of sending `SELECT 1`
# before every request (langlearn/postgresql/base.py).
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "langlearn.postgresql"
# The hot queries compiled once per process (langlearn/compiled.py: the due queue, the JWT user) run
# as prepared statements: parsed and planned once per connection, then only executed. On by default;
# they need a server session that outlives the request (CONN_MAX_AGE, Django's pool, PgBouncer in
# session mode or >= 1.21 with max_prepared_statements). Behind an older PgBouncer in transaction
# mode set DB_PREPARED_STATEMENTS=false.
DATABASES["default"]["PREPARED_STATEMENTS"] = env.bool("DB_PREPARED_STATEMENTS", default=True)
# Every statement of the ORM prepared after DB_PREPARE_THRESHOLD runs (server-side binding for all
# queries; some ORM SQL behaves differently with it). Off (unset) by default: bench/peer.sh measures it.
if env("DB_PREPARE_THRESHOLD", default="") and DATABASES["default"]["ENGINE"] == "langlearn.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"server_side_binding": True, "prepare_threshold": env.int("DB_PREPARE_THRESHOLD")}
    )

# --- Anki packages (langlearn/anki; issue 17) ---------------------------------------------------
ANKI_IMPORT_MAX_BYTES = env.int("ANKI_IMPORT_MAX_BYTES", default=200 * 1024 * 1024)  # a learner's upload
# Decompression caps, enforced while streaming: past them the package is refused at once.
ANKI_MAX_COLLECTION_BYTES = env.int("ANKI_MAX_COLLECTION_BYTES", default=512 * 1024 * 1024)
ANKI_MAX_MEDIA_FILE_BYTES = env.int("ANKI_MAX_MEDIA_FILE_BYTES", default=32 * 1024 * 1024)
# A learner's import writes this many notes per transaction and records its progress after each.
ANKI_IMPORT_BATCH_NOTES = env.int("ANKI_IMPORT_BATCH_NOTES", default=500)
# A learner's export (a job): the finished .apkg may be at most this large (audio included).
ANKI_EXPORT_MAX_BYTES = env.int("ANKI_EXPORT_MAX_BYTES", default=200 * 1024 * 1024)
# GET …/anki-export builds the package inside the request only for a word bank this small.
ANKI_EXPORT_SYNC_MAX_NOTES = env.int("ANKI_EXPORT_SYNC_MAX_NOTES", default=1000)
ANKI_EXPORT_SYNC_MAX_REVIEWS = env.int("ANKI_EXPORT_SYNC_MAX_REVIEWS", default=20_000)
# An import that failed on something else than its package keeps the upload this long, so a retry
# (POST /api/jobs/{id}/retry) resumes it; then it is deleted.
ANKI_UPLOAD_RETENTION_HOURS = env.int("ANKI_UPLOAD_RETENTION_HOURS", default=7 * 24)

# Read-along audio (articles, adventure scenes): speech per sentence, packed into at most
# READALONG_MAX_TTS_CALLS chunks per text, READALONG_TTS_CONCURRENCY of them in flight at once.
READALONG_MAX_TTS_CALLS = env.int("READALONG_MAX_TTS_CALLS", default=16)
READALONG_TTS_CONCURRENCY = env.int("READALONG_TTS_CONCURRENCY", default=4)
