# syntax=docker/dockerfile:1
# The calendar assistant's image: dependencies from the lock (requirements/base.txt), then
# the project with --no-deps; runs as a non-root user. Migrations are NOT run at start:
# `calendar-assistant migrate` is its own step (docker-compose.yml runs it once before the
# app). Build: docker build -t calendar-assistant . (docs/deploy.md)
ARG PYTHON_VERSION=3.12

FROM python:${PYTHON_VERSION}-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
# The lock first: this layer is rebuilt only when a pin changes.
COPY requirements/base.txt requirements/base.txt
RUN pip install --no-cache-dir -r requirements/base.txt
COPY pyproject.toml README.md ./
COPY src ./src
RUN pip install --no-cache-dir --no-deps . \
    && find /opt/venv -name '__pycache__' -prune -exec rm -rf {} +

FROM python:${PYTHON_VERSION}-slim-bookworm AS runtime
# Voice: ffmpeg decodes Telegram's Opus and encodes spoken replies, espeak-ng speaks them.
# Versions follow Debian stable's security updates, so they are not pinned here.
# hadolint ignore=DL3008
RUN apt-get update \
    && apt-get install -y --no-install-recommends ffmpeg espeak-ng \
    && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 assistant \
    && useradd --system --uid 10001 --gid assistant --create-home \
       --home-dir /var/lib/calendar-assistant assistant
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    DATA_DIR=/var/lib/calendar-assistant \
    SERVER_HOST=0.0.0.0 \
    SERVER_PORT=8000 \
    LOG_JSON=true \
    AUTO_MIGRATE=false
WORKDIR /var/lib/calendar-assistant
USER 10001:10001
EXPOSE 8000
# /healthz answers while the process lives; /readyz (database and migrations) is for the
# load balancer. Python itself fetches it: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('SERVER_PORT', '8000'), timeout=4)"]
CMD ["calendar-assistant", "serve"]
