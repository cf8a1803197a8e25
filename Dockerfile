# Qualia: the Streamlit app (8501), the health dashboard (8080) and the REST API (8000, `python -m api`). Untested here: no Docker engine
# runs on our machines; hadolint checks this file in the test suite.

# ---- builder: wheels for every dependency and for Qualia itself
FROM python:3.12-slim AS builder
WORKDIR /build
COPY requirements.txt pyproject.toml README.md ./
COPY qualia_core ./qualia_core
COPY qualia_cli ./qualia_cli
COPY api ./api
RUN pip wheel --no-cache-dir --wheel-dir /wheels -r requirements.txt .

# ---- runtime: slim, non-root, data and backups as volumes
FROM python:3.12-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    QUALIA_DATA_DIR=/data \
    BACKUP_DIR=/backups \
    HEALTH_DASHBOARD_HOST=0.0.0.0 \
    STREAMLIT_BROWSER_GATHER_USAGE_STATS=false
RUN groupadd --system --gid 10001 qualia && useradd --system --uid 10001 --gid qualia --create-home qualia \
    && mkdir -p /data /backups && chown qualia:qualia /data /backups
COPY --from=builder /wheels /wheels
RUN pip install --no-cache-dir --no-index --find-links=/wheels /wheels/*.whl && rm -rf /wheels
WORKDIR /app
COPY --chown=qualia:qualia streamlit_app.py ./
COPY --chown=qualia:qualia .streamlit ./.streamlit
COPY --chown=qualia:qualia pages ./pages
COPY --chown=qualia:qualia plugins ./plugins
COPY --chown=qualia:qualia ops ./ops
COPY --chown=qualia:qualia assets ./assets
COPY --chown=qualia:qualia scripts/serve.py ./scripts/serve.py
ENV QUALIA_PLUGINS_DIR=/app/plugins
USER 10001
VOLUME ["/data", "/backups"]
EXPOSE 8501 8080 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8501/_stcore/health', timeout=4).status == 200 else 1)"]
# scripts/serve.py: `streamlit run streamlit_app.py`, with what the first page needs loaded before it listens
CMD ["python", "scripts/serve.py", "--server.address=0.0.0.0", "--server.port=8501", "--server.headless=true"]
