# dpgraph: GraphQL API server for the Django Packages catalogue.
# Two stages: the server's locked dependencies (requirements/serve.txt: exact versions,
# checked against their hashes) are installed into a virtualenv once, cached while the
# lock is unchanged; the runtime image gets that virtualenv and the code, runs as a
# non-root user, and reports its health.

FROM python:3.11-slim AS dependencies
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements/serve.txt /tmp/serve.txt
RUN /opt/venv/bin/pip install --require-hashes -r /tmp/serve.txt

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    HOST=0.0.0.0 \
    PORT=8000

RUN useradd --create-home --uid 10001 dpgraph
COPY --from=dependencies /opt/venv /opt/venv
WORKDIR /app

COPY pyproject.toml README.md ./
COPY core ./core
COPY server ./server
COPY schema ./schema
COPY loaders ./loaders
COPY models ./models
COPY importer ./importer
COPY writes ./writes
COPY domain ./domain
COPY rest ./rest
COPY synthetic ./synthetic
COPY auth ./auth
COPY events ./events
COPY execution ./execution
COPY fastpath ./fastpath
COPY readmodel ./readmodel
COPY ratelimit ./ratelimit
COPY metrics ./metrics
COPY webhooks ./webhooks
COPY migrations ./migrations
COPY alembic.ini ./
COPY data ./data
COPY examples ./examples
# The code itself, in place (the server reads data/ and examples/ beside it), built with
# the locked setuptools: nothing is fetched here.
RUN pip install --no-deps --no-build-isolation -e . \
    && mkdir -p /app/var && chown dpgraph:dpgraph /app/var

USER dpgraph
EXPOSE 8000
HEALTHCHECK --interval=15s --timeout=3s --start-period=20s --retries=3 \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\", \"8000\")}/readyz', timeout=2)"
STOPSIGNAL SIGTERM
CMD ["python", "-m", "server"]
