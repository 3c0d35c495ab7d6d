"""Settings for the benchmarks' gunicorn: the project's, with the API's per-address limit lifted. wrk sends every
request from one address, which the limit (300 a minute) would otherwise answer with 429 within a second."""

from config.settings import *  # noqa: F403 - the project's settings, one added below

BAWABA_RATE_LIMITS = {"api:ip": (10**9, 60)}
