# Sluicegate in a container: the browser editor serving the demo workspace.
#   docker build -t sluicegate .
#   docker run --rm -p 127.0.0.1:8765:8765 sluicegate  # open the printed .../?token=... address
#   docker run --rm -p 127.0.0.1:8765:8765 -e SLUICEGATE_TOKEN="$(openssl rand -hex 24)" sluicegate
#   docker run --rm -t sluicegate run examples seed_stream --mode batch
#   docker run --rm -p 127.0.0.1:8765:8765 -v "$PWD/ws:/home/sluicegate/ws" sluicegate \
#       serve ws --host 0.0.0.0
# The server always needs its token (random and printed at start, or SLUICEGATE_TOKEN);
# --no-token is refused on 0.0.0.0. Browsers must reach it as localhost/127.0.0.1, or under
# a name given with --allow-host NAME (see the README's Security section).

# 1. The browser app: esbuild bundle from frontend/ (npm packages pinned in package-lock.json).
FROM node:20-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY frontend/ ./
RUN mkdir -p ../server/sluicegate/web/static/dist && npm run build

# 2. The package, installed (not editable) with the bundle, the example workspace and the
#    block library as package data (setup.py copies examples/ and blocks/ into the wheel).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /src
COPY pyproject.toml setup.py MANIFEST.in README.md ./
COPY server/ server/
COPY examples/ examples/
COPY blocks/ blocks/
COPY --from=frontend /src/server/sluicegate/web/static/dist/ server/sluicegate/web/static/dist/
RUN pip install . && rm -rf /src

RUN groupadd --gid 10001 sluicegate \
    && useradd --uid 10001 --gid 10001 --create-home sluicegate
WORKDIR /home/sluicegate
# The demo workspace; runs write their data and history under examples/.sluicegate/.
COPY --chown=10001:10001 examples/ examples/
USER 10001:10001

EXPOSE 8765
ENTRYPOINT ["sluicegate"]
# Inside a container the server must listen beyond loopback for -p to reach it; it then
# warns that the token is the only protection and prints the address with the token.
CMD ["serve", "examples", "--host", "0.0.0.0", "--port", "8765"]
