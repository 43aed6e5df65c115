# Sluicegate in a container: the package installed from this checkout, and the demo
# workspace. Build and run:
#   docker build -t sluicegate .
#   docker run --rm -t sluicegate                    # the seed pipeline, with live progress
#   docker run --rm -t sluicegate run examples seed_stream --mode batch
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# What a (non-editable) install needs: the project file, the README it names, the package.
WORKDIR /src
COPY pyproject.toml README.md ./
COPY server/ server/
RUN pip install . && rm -rf /src

RUN groupadd --gid 10001 sluicegate \
    && useradd --uid 10001 --gid 10001 --create-home sluicegate
WORKDIR /home/sluicegate
# The demo workspace; runs write their data under examples/.sluicegate/.
COPY --chown=10001:10001 examples/ examples/
USER 10001:10001

EXPOSE 8765
ENTRYPOINT ["sluicegate"]
# `serve` (the browser editor on port 8765) becomes the default once the server lands.
CMD ["run", "examples", "seed_stream"]
