# ioc-edge gateway image. The committed detector (models/: YOLOX-nano, Apache-2.0, see NOTICE) is baked in;
# mount other models over /opt/ioc-edge/models (or set IOC_EDGE_MODELS), and the config at
# /etc/ioc-edge/config.yaml.
FROM node:20-bookworm-slim AS build
WORKDIR /opt/ioc-edge
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends ffmpeg ca-certificates tini \
  && rm -rf /var/lib/apt/lists/* \
  && useradd --system --home /var/lib/ioc-edge ioc-edge \
  && mkdir -p /var/lib/ioc-edge /etc/ioc-edge && chown ioc-edge /var/lib/ioc-edge
WORKDIR /opt/ioc-edge
COPY --from=build /opt/ioc-edge/node_modules ./node_modules
COPY --from=build /opt/ioc-edge/dist ./dist
COPY package.json README.md NOTICE ./
COPY config ./config
COPY models ./models
ENV NODE_ENV=production IOC_EDGE_MODELS=/opt/ioc-edge/models IOC_EDGE_DATA=/var/lib/ioc-edge
USER ioc-edge
VOLUME ["/var/lib/ioc-edge"]
EXPOSE 8080 1883
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/opt/ioc-edge/dist/cli.js"]
CMD ["run", "--config", "/etc/ioc-edge/config.yaml"]
