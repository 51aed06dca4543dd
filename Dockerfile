# dpgraph: GraphQL API server for the Django Packages catalogue.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HOST=0.0.0.0 \
    PORT=8000

RUN useradd --create-home --uid 10001 dpgraph
WORKDIR /app

COPY pyproject.toml README.md ./
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
COPY fastpath ./fastpath
COPY data ./data
COPY examples ./examples
RUN pip install --no-cache-dir -e . \
    && mkdir -p /app/var && chown dpgraph:dpgraph /app/var

USER dpgraph
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/healthz')"
CMD ["python", "-m", "server"]
