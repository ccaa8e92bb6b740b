# ioc-edge gateway image: multi-stage, runs as a non-root user, ffmpeg from Debian, the committed
# detector baked in (models/: YOLOX-nano, Apache-2.0, see NOTICE; mount others over /opt/ioc-edge/models).
# Mount the config at /etc/ioc-edge/config.yaml (a directory the gateway may write: config applied from
# the console or the IOC replaces it) and keep /var/lib/ioc-edge on a volume. In a container set
# api.host: 0.0.0.0 and api.token (without a token the API stays on the container's loopback).
FROM node:20-bookworm-slim AS build
WORKDIR /opt/ioc-edge
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY web ./web
COPY scripts ./scripts
# Compiles the gateway and bundles the technician console into dist/web, then drops dev dependencies.
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg ca-certificates tini \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --uid 10001 --home-dir /var/lib/ioc-edge --shell /usr/sbin/nologin ioc-edge \
  && mkdir -p /var/lib/ioc-edge /etc/ioc-edge \
  && chown ioc-edge:ioc-edge /var/lib/ioc-edge /etc/ioc-edge
WORKDIR /opt/ioc-edge
COPY --from=build /opt/ioc-edge/node_modules ./node_modules
COPY --from=build /opt/ioc-edge/dist ./dist
COPY package.json README.md NOTICE ./
COPY config ./config
COPY models/ ./models/
ENV NODE_ENV=production IOC_EDGE_MODELS=/opt/ioc-edge/models IOC_EDGE_DATA=/var/lib/ioc-edge
USER ioc-edge
VOLUME ["/var/lib/ioc-edge"]
EXPOSE 8080 1883
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/ioc-edge/dist/cli.js"]
CMD ["run", "--config", "/etc/ioc-edge/config.yaml"]
