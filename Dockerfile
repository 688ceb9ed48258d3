# syntax=docker/dockerfile:1
#
# One image for every Perceptiq process. The role is the container's command:
#   embedded (default): docker run -p 8100:8100 -p 4000:4000 -v perceptiq-data:/app/data perceptiq
#   distributed:        docker run ... perceptiq node launcher/dist/service.js <role>
#                       role = ingest | qa | templates | analytics | access | gateway | rest-adapter
# docker-compose.yml and k8s/ run it the second way, one container per role.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---- build: compile native modules and TypeScript, then drop dev dependencies ----------------
FROM ${NODE_IMAGE} AS build
# better-sqlite3 has no reachable prebuilt binary and compiles with node-gyp.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app

# Manifests first, so `npm ci` (the slow layer) is cached until a dependency changes.
# Keep this list in step with "workspaces" in package.json (test/deploy checks it).
COPY package.json package-lock.json ./
COPY packages/contracts/package.json packages/contracts/
COPY packages/platform/package.json packages/platform/
COPY packages/client/package.json packages/client/
COPY services/access/package.json services/access/
COPY services/ingest/package.json services/ingest/
COPY services/qa/package.json services/qa/
COPY services/templates/package.json services/templates/
COPY services/analytics/package.json services/analytics/
COPY gateway/package.json gateway/
COPY rest-adapter/package.json rest-adapter/
COPY launcher/package.json launcher/
COPY bench/package.json bench/
COPY test/kit/package.json test/kit/
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime ----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# No apt packages: OCR (tesseract.js, the English model bundled in services/ingest/tessdata,
# @tesseract.js-data/osd), sharp's libvips and the canvas used to render PDFs all ship in the
# repository or as npm packages built for glibc, which the build stage already fetched.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PERCEPTIQ_DATA_DIR=/app/data
WORKDIR /app

# Code stays root-owned and read-only to the app; only the data dir is writable (embedded store,
# blobs, OCR caches). Sources (.graphql SDL, supergraph) come along with dist/ on purpose.
COPY --from=build /app /app
RUN mkdir -p /app/data && chown 1000:1000 /app/data

# Numeric uid (the image's `node` user): Kubernetes can only verify runAsNonRoot against a number.
# No VOLUME: it would leave an anonymous volume per container; mount one at /app/data when the
# embedded store must outlive the container (a named volume inherits the 1000:1000 owner).
USER 1000:1000
# REST adapter, gateway, then the five services' default ports.
EXPOSE 8100 4000 4001 4002 4003 4004 4005

# No HEALTHCHECK here: the right port depends on the role. docker-compose.yml sets one per role
# with `node launcher/dist/healthcheck.js http://127.0.0.1:<port>/readyz`; k8s uses probes.
# Exec form keeps node as the process that receives SIGTERM (graceful shutdown).
CMD ["node", "launcher/dist/embedded.js"]
