FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 QUALIA_DATA_DIR=/data
WORKDIR /app
COPY requirements.txt pyproject.toml README.md ./
COPY qualia_core ./qualia_core
RUN pip install --no-cache-dir -r requirements.txt && pip install --no-cache-dir --no-deps -e .
COPY . .
RUN useradd --create-home qualia && mkdir -p /data && chown qualia /data
USER qualia
VOLUME ["/data"]
EXPOSE 8501
CMD ["streamlit", "run", "streamlit_app.py", "--server.address=0.0.0.0", "--server.port=8501"]
