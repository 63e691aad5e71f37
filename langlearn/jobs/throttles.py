from rest_framework.settings import api_settings
from rest_framework.throttling import ScopedRateThrottle


class GenerationThrottle(ScopedRateThrottle):
    """Per-learner burst limit on paid work (`THROTTLE_GENERATION`, default 10/min). The daily quota
    is the hard limit and lives in the database (quota.py); this only smooths bursts. Reads the rate
    at request time so settings overrides (tests, ops) take effect without a restart."""

    scope_attr = "throttle_scope"

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES.get(self.scope)
