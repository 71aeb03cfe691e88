# gizwits-emulator: the emulated Gizwits cloud with its demo data, on port 8000.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY emulator ./emulator
COPY fixtures ./fixtures
RUN pip install . && useradd --create-home --uid 10001 emulator

USER emulator
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/status', timeout=4).status != 200)"

# The test control plane (/_emulator) stays off on a network address; to use it, run e.g.
#   docker run -p 8000:8000 gizwits-emulator serve --host 0.0.0.0 --port 8000 --admin-token SECRET
ENTRYPOINT ["gizwits-emulator"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--admin", "off"]
