# syntax=docker/dockerfile:1
# The gateway as a container: built with the project's own toolchain, run as a non-root user
# against the PostgreSQL named by DATABASE_URL (see docker-compose.yml).

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json nest-cli.json ./
COPY scripts ./scripts
COPY migrations ./migrations
COPY policies ./policies
COPY retention ./retention
COPY src ./src
RUN node scripts/build.mjs \
 && node scripts/bundle.mjs \
 && npm prune --omit=dev --no-audit --no-fund

FROM node:20-bookworm-slim AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    DEMO=false
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/policies ./policies
COPY --from=build /app/retention ./retention
# DATA_DIR holds the gateway's signing key (and demo keys when DEMO=true): owned by the
# unprivileged `node` user, nothing else in the image is writable by it.
RUN mkdir -p /data && chown node:node /data && chmod 0700 /data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=5 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The one-file build (scripts/bundle.mjs) starts in well under half the CPU of the per-file one,
# compiled from the V8 code cache it keeps under /data/code-cache after its first start; set
# NODE_OPTIONS=--enable-source-maps to map stack traces to the sources (no code cache then).
CMD ["node", "dist/bundle/main.js"]
