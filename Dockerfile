# gizwits-emulator: the emulated Gizwits cloud with its demo data.
#   docker build -t gizwits-emulator .                  plain HTTP on port 8000 (the default image)
#   docker build --target tls -t gizwits-emulator:tls . the drop-in cloud: TLS on the real ports (below)
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY emulator ./emulator
COPY fixtures ./fixtures
RUN pip install . && useradd --create-home --uid 10001 emulator && mkdir /certs && chown emulator /certs

USER emulator
# The test control plane (/_emulator) stays off on a network address; to use it, run e.g.
#   docker run -p 8000:8000 gizwits-emulator serve --host 0.0.0.0 --port 8000 --admin-token SECRET
ENTRYPOINT ["gizwits-emulator"]


# The drop-in cloud: HTTPS/WSS on 8000 and where the real cloud listens (443 and 80 for the API,
# 8880 wss and 8080 ws for the WebSocket), for a hosts-file or DNS setup (docs/dropin.md):
#   docker run -v gizwits-certs:/certs -p 443:443 -p 80:80 -p 8880:8880 -p 8080:8080 gizwits-emulator:tls
# (Docker lets the container's user bind ports below 1024: it sets ip_unprivileged_port_start to 0.)
# The certificate authority is made once in the /certs volume and kept there: trust it once. Get it out
# with   docker cp <container>:/certs/ca.pem .   or read it from the volume (docker run --rm -v
# gizwits-certs:/certs --entrypoint cat gizwits-emulator:tls /certs/ca.pem > ca.pem).
FROM base AS tls
VOLUME /certs
EXPOSE 8000 443 80 8880 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:80/status', timeout=4).status != 200)"
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--tls", "--real-ports", "--cert-dir", "/certs", "--admin", "off"]


# The default image: plain HTTP on port 8000.
FROM base AS plain
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD python -c "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/status', timeout=4).status != 200)"
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--admin", "off"]
