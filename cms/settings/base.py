"""Settings shared by every environment; each value a deployer may change comes from the environment."""

from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cms.env import env_bool, env_database, env_email, env_float, env_int, env_list, env_str, env_url

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

SITE_NAME = env_str("SITE_NAME", "地方立法征求意见平台")
# The office that handles the opinions: the 制表单位 of the adoption table and the reports.
OFFICE_NAME = env_str("OFFICE_NAME", "人大常委会法制工作委员会")
# Absolute base for links in e-mails and text messages (no trailing slash).
BASE_URL = env_url("BASE_URL", "http://127.0.0.1:8000", schemes=("http", "https")).rstrip("/")

INSTALLED_APPS = [
    "cms",
    "drafts",
    "comments",
    "handling",
    "referrals",
    "revisions",
    "contact_points",
    "stats",
    "search",
    "api",
    "ops",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_q",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "rules.apps.AutodiscoverRulesConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    # /healthz answers the load balancer before anything else: no host check, no HTTPS redirect, no session,
    # no CSRF (ops.middleware says why).
    "ops.middleware.HealthCheckMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Scripts, styles and everything else from this site only (issue 21): see the middleware.
    "cms.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Compress HTML/JSON in the app (issue 22): a 1,260-article draft is ~1 MB raw, ~10x less gzipped.
    # BREACH: Django masks the CSRF token afresh in every response and, since 4.2, GZipMiddleware pads
    # the gzip header with random bytes ("Heal the Breach"); pages echo no other secret (no session id,
    # no personal data of the reader beside their own display name). WhiteNoise, placed above, serves
    # its own pre-compressed static files and never reaches this middleware.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "cms.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The second factor (issue 21): django-otp marks the session's user verified or not; ours then sends a
    # user who has a device, or whose role requires one, to verify (or set it up) before anything else.
    "django_otp.middleware.OTPMiddleware",
    "cms.two_factor.SecondFactorMiddleware",
    # Wagtail's snippet choosers list a model only to people with a permission on it (see the middleware).
    "cms.middleware.SnippetChooserPermissionMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cms.context_processors.site",
                "drafts.context_processors.drafts",
            ],
        },
    },
]

DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "cms.User"
# Sign-in (and the user a session names) comes from the first; object permissions are predicates
# (`<app>/rules.py`, the rules package) and model permissions come from the role groups (cms.roles): both
# answer user.has_perm(perm, obj). An object check costs the first backend no query.
AUTHENTICATION_BACKENDS = ["cms.auth_backends.IdentifierBackend", "rules.permissions.ObjectPermissionBackend"]
# Staff, liaisons and coordinators may sign in with the organisation's LDAP directory (cms/directory.py): its
# backend goes first only when LDAP_SERVER_URI is set. The two mappings are JSON objects keyed by group DN,
# checked at start-up (cms.E001–E007): {DN: role name} and {DN: "contact_point:<id or name>" or
# "department:<id or name>"}.
LDAP_SERVER_URI = env_url("LDAP_SERVER_URI", None, schemes=("ldap", "ldaps", "ldapi"))
LDAP_BIND_DN = env_str("LDAP_BIND_DN", "")
LDAP_BIND_PASSWORD = env_str("LDAP_BIND_PASSWORD", "")
LDAP_USER_SEARCH_BASE = env_str("LDAP_USER_SEARCH_BASE", "")
LDAP_USER_FILTER = env_str("LDAP_USER_FILTER", "(uid=%(user)s)")
LDAP_GROUP_SEARCH_BASE = env_str("LDAP_GROUP_SEARCH_BASE", "")
LDAP_START_TLS = env_bool("LDAP_START_TLS", False)
LDAP_TIMEOUT_SECONDS = env_int("LDAP_TIMEOUT_SECONDS", 5)
LDAP_GROUP_ROLES = env_str("LDAP_GROUP_ROLES", "")
LDAP_GROUP_UNITS = env_str("LDAP_GROUP_UNITS", "")
if LDAP_SERVER_URI:
    AUTHENTICATION_BACKENDS.insert(0, "cms.directory.DirectoryBackend")
LOGIN_URL = "accounts:login"
CSRF_FAILURE_VIEW = "cms.views.csrf_failure"
# Sessions are read on every request: from the cache first (Redis in production), the database behind it.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "cms.validators.MinimumLengthValidatorZh", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Accounts: how long a confirmation or reset stays valid, and how hard login may be hammered.
ACCOUNT_LINK_TTL_HOURS = env_int("ACCOUNT_LINK_TTL_HOURS", 24)
ACCOUNT_CODE_TTL_MINUTES = env_int("ACCOUNT_CODE_TTL_MINUTES", 15)
ACCOUNT_CODE_MAX_ATTEMPTS = 5
LOGIN_THROTTLE_PER_ACCOUNT = env_int("LOGIN_THROTTLE_PER_ACCOUNT", 5)
LOGIN_THROTTLE_PER_IP = env_int("LOGIN_THROTTLE_PER_IP", 30)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 15 * 60)
# Second factor (TOTP, django-otp): the name authenticator apps show, and the roles (names from cms.roles.Role,
# comma-separated) whose members must set it up before they may use the site signed in.
OTP_TOTP_ISSUER = env_str("OTP_TOTP_ISSUER", SITE_NAME)
OTP_REQUIRED_ROLES = env_list("OTP_REQUIRED_ROLES", [])
OTP_THROTTLE_LIMIT = env_int("OTP_THROTTLE_LIMIT", 5)  # wrong codes per account in OTP_THROTTLE_WINDOW_SECONDS
OTP_THROTTLE_WINDOW_SECONDS = env_int("OTP_THROTTLE_WINDOW_SECONDS", 15 * 60)
# The access audit (cms.models.AccessEvent) keeps its records this many days (at least 180), then a daily
# schedule deletes older ones.
ACCESS_AUDIT_RETENTION_DAYS = env_int("ACCESS_AUDIT_RETENTION_DAYS", 365)
# Registration and code pages per client address (each registration sends a text or an e-mail), and the
# texts the site sends a day: at the cap it stops sending and e-mails the staff.
REGISTER_PER_IP_HOUR = env_int("REGISTER_PER_IP_HOUR", 5)
REGISTER_PER_IP_DAY = env_int("REGISTER_PER_IP_DAY", 20)
# After this many registrations from one address in the hour, the form asks for a picture's digits (cms.challenge).
REGISTER_CHALLENGE_AFTER = env_int("REGISTER_CHALLENGE_AFTER", 3)
CODE_PAGES_PER_IP = env_int("CODE_PAGES_PER_IP", 30)  # per 15 minutes: confirm, reset, reset with a code
SMS_DAILY_CAP = env_int("SMS_DAILY_CAP", 2000)
# Online opinions: posting limits per user and per IP address, reports that hide an opinion until a
# moderator looks, and how many authors of the same (or nearly the same) text make a campaign.
OPINION_RATE_PER_USER_MINUTE = env_int("OPINION_RATE_PER_USER_MINUTE", 5)
OPINION_RATE_PER_USER_DAY = env_int("OPINION_RATE_PER_USER_DAY", 50)
OPINION_RATE_PER_IP_MINUTE = env_int("OPINION_RATE_PER_IP_MINUTE", 30)
OPINION_RATE_PER_IP_DAY = env_int("OPINION_RATE_PER_IP_DAY", 1000)
OPINION_REPORTS_TO_HIDE = env_int("OPINION_REPORTS_TO_HIDE", 3)
OPINION_CAMPAIGN_AUTHORS = env_int("OPINION_CAMPAIGN_AUTHORS", 5)
# Dashboards read kept tallies; one older than this many seconds is refreshed in the background.
STATS_MAX_AGE_SECONDS = env_int("STATS_MAX_AGE_SECONDS", 300)
# A referral rated 不满意 is reopened once, with this many more days to answer.
REFERRAL_REOPEN_DAYS = env_int("REFERRAL_REOPEN_DAYS", 15)
# Number of reverse proxies in front of the app; their X-Forwarded-For entries are trusted.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)

# Internationalisation: Chinese first, English second, Beijing time.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [PROJECT_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
# Intranets: no avatar from Gravatar (a request off the site carrying a hash of the staff e-mail); the
# admin shows its own default avatar or one the user uploads.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
# A staff member picks a time zone among China's, not among six hundred.
WAGTAIL_USER_TIME_ZONES = ["Asia/Shanghai", "Asia/Urumqi", "Asia/Hong_Kong", "Asia/Macau", "Asia/Taipei"]
# A filter's empty choice says 全部 (django-filter's default is Django's 「---------」).
FILTERS_EMPTY_CHOICE_LABEL = _("全部")
FILTERS_NULL_CHOICE_LABEL = _("未填写")

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(BASE_DIR / "media")))
# Files only their owners and staff may read (contact points' meeting notes): never under MEDIA_URL,
# served through views that check who is asking.
PRIVATE_MEDIA_ROOT = Path(env_str("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": "/private-not-served/"},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# E-mail: EMAIL_URL such as smtp://user:password@mail.example.gov.cn:587?tls=1
globals().update(env_email("EMAIL_URL", "console://"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "noreply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_SUBJECT_PREFIX = f"[{SITE_NAME}] "
# Text messages for mainland mobile numbers; "console" logs them, "locmem" keeps them for tests.
SMS_BACKEND = env_str("SMS_BACKEND", "cms.sms.ConsoleBackend")

REDIS_URL = env_url("REDIS_URL", None, schemes=("redis", "rediss", "unix"))
ELASTICSEARCH_URL = env_url("ELASTICSEARCH_URL", None, schemes=("http", "https"))
# Index names start with this prefix; the search alias is "<prefix>-search".
ELASTICSEARCH_INDEX_PREFIX = env_str("ELASTICSEARCH_INDEX_PREFIX", "legislation")
# Whether the cluster has the IK analyzer plugin (ik_max_word / ik_smart); otherwise the built-in cjk analyzer.
ELASTICSEARCH_IK = env_bool("ELASTICSEARCH_IK", False)
ELASTICSEARCH_TIMEOUT = env_int("ELASTICSEARCH_TIMEOUT", 5)
# A reader's search waits at most this long (seconds) for the cluster before the database answers instead;
# after SEARCH_BREAKER_FAILURES failures in a row searches skip the cluster for SEARCH_BREAKER_COOLDOWN seconds.
ELASTICSEARCH_SEARCH_TIMEOUT = env_float("ELASTICSEARCH_SEARCH_TIMEOUT", 1.0)
SEARCH_BREAKER_FAILURES = env_int("SEARCH_BREAKER_FAILURES", 3)
SEARCH_BREAKER_COOLDOWN = env_int("SEARCH_BREAKER_COOLDOWN", 30)
# Writes wait until they are searchable (tests; costs throughput in production).
ELASTICSEARCH_WAIT_FOR_REFRESH = env_bool("ELASTICSEARCH_WAIT_FOR_REFRESH", False)

if REDIS_URL:
    # Short timeouts: a Redis that hangs must not hold a web worker (cms.cache also treats it as a miss).
    CACHES = {
        "default": {
            "BACKEND": "cms.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Shared lists that rarely change (sensitive words, live drafts): a process asks the cache whether they
# changed at most once in this many seconds (cms.generations).
GENERATION_FRESH_SECONDS = 1.0

# The Content-Security-Policy (cms.middleware) as report-only, for a deployer trying it out.
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)

# Work queued after commits (search indexing, campaign checks): a process queues a run at most once in
# this many seconds, and once more at the end of the interval (cms.schedules.queue_after_commit).
QUEUE_DEBOUNCE_SECONDS = env_int("QUEUE_DEBOUNCE_SECONDS", 5)

# django-q2: the ORM broker by default, Redis when REDIS_URL is set. timeout must stay below retry.
# Exports: a job whose worker has not beaten for this long is queued again (at most this many tries); a
# queued job no worker took for this long was lost by the broker and is queued again.
EXPORT_STALE_SECONDS = env_int("EXPORT_STALE_SECONDS", 60)
EXPORT_QUEUED_LOST_SECONDS = env_int("EXPORT_QUEUED_LOST_SECONDS", 90)
EXPORT_MAX_ATTEMPTS = env_int("EXPORT_MAX_ATTEMPTS", 3)

# Operations (the ops app): the health endpoint, backups and how long files are kept.
# /healthz fails (503) when one of HEALTH_CRITICAL fails; the others only make it "degraded" (200). The task
# cluster counts as alive while its heartbeat (a schedule every minute) is younger than HEALTH_HEARTBEAT_MAX_AGE.
HEALTH_CRITICAL = env_list("HEALTH_CRITICAL", ["database", "cache", "broker", "disk"])
HEALTH_HEARTBEAT_MAX_AGE = env_int("HEALTH_HEARTBEAT_MAX_AGE", 300)
HEALTH_DISK_MIN_FREE_MB = env_int("HEALTH_DISK_MIN_FREE_MB", 500)
# A flood of probes costs at most one round of checks per process in this many seconds.
HEALTH_MEMO_SECONDS = env_float("HEALTH_MEMO_SECONDS", 1.0)
# Backups (manage.py backup, and a daily schedule when set): the newest BACKUP_KEEP are kept; check --deploy
# warns when the newest is older than BACKUP_MAX_AGE_HOURS.
BACKUP_DIR = env_str("BACKUP_DIR", "") or None
BACKUP_KEEP = env_int("BACKUP_KEEP", 14)
BACKUP_MAX_AGE_HOURS = env_int("BACKUP_MAX_AGE_HOURS", 48)
# Retention: finished exports are deleted (the job says 已过期) after EXPORT_RETENTION_DAYS; files left behind
# by interrupted work (an export's scratch file, a backup that stopped half-way) after TEMP_RETENTION_DAYS.
EXPORT_RETENTION_DAYS = env_int("EXPORT_RETENTION_DAYS", 30)
TEMP_RETENTION_DAYS = env_int("TEMP_RETENTION_DAYS", 7)

Q_CLUSTER = {
    "name": "legislation",
    "workers": env_int("Q_WORKERS", 2),
    "timeout": 300,
    "retry": 360,
    "max_attempts": 3,
    "queue_limit": 100,
    "bulk": 10,
    "catch_up": False,
    "label": _("后台任务"),
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# Wagtail's own background work (reference index, file deletion) runs through django-tasks.
# It stays on the immediate backend: each job is a few small queries tied to the admin action
# that caused it, and running it in-process keeps the admin consistent without a second pool.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

WAGTAIL_SITE_NAME = SITE_NAME
WAGTAILADMIN_BASE_URL = BASE_URL
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "txt", "xlsx", "png", "jpg", "jpeg"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAIL_ENABLE_UPDATE_CHECK = False
# Draftail's box named by its field's label for screen readers (cms/rich_text.py).
WAGTAILADMIN_RICH_TEXT_EDITORS = {"default": {"WIDGET": "cms.rich_text.LabelledDraftailRichTextArea"}}
WAGTAIL_ENABLE_WHATS_NEW_BANNER = False
WAGTAIL_PASSWORD_RESET_ENABLED = False
WAGTAILADMIN_LOGIN_URL = "accounts:login"
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"

LOG_LEVEL = env_str("LOG_LEVEL", "INFO")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # One line per task and page event drowns what matters in the console.
        "django_tasks": {"level": "WARNING"},
        "wagtail": {"level": "WARNING"},
    },
}

# The REST API (/api/v1/, the api app): JSON only, errors as {"code", "message"} in Chinese, the OpenAPI 3
# schema by drf-spectacular and its Swagger UI served from the sidecar package (no CDN).
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": [],
    "UNAUTHENTICATED_USER": None,
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
}
# The largest body the contact points' batch endpoint reads (10,000 opinions are about 3 MB of JSON). Only that
# view reads this much; every other view keeps Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB).
API_BATCH_MAX_BYTES = env_int("API_BATCH_MAX_BYTES", 16 * 1024 * 1024)
if API_BATCH_MAX_BYTES < 1024:
    raise ImproperlyConfigured("API_BATCH_MAX_BYTES 至少为 1024 字节 (API_BATCH_MAX_BYTES must be at least 1024 bytes)")
SPECTACULAR_SETTINGS = {
    "TITLE": "地方立法征求意见平台开放接口 · Public consultation API",
    "DESCRIPTION": "公开的草案、条文、已发布意见、反馈和统计：只读，无需账号，不含个人信息。"
    "联系点报送、承办单位办理、工作人员读取全部意见须使用管理后台创建的接口令牌（Bearer）。"
    "Public drafts, articles, published opinions, feedback and statistics: read-only, no account, no personal data. "
    "Contact points' batches, departments' referrals and staff reads need an API token (Bearer) made in the admin.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "PREPROCESSING_HOOKS": ["api.schema.only_this_api"],
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "api.schema.document_errors"],
}
