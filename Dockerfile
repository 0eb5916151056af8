# patchbot container: Node 26 (Active LTS), built in one stage, run as the non-root `node` user in
# another, with its state on the /data volume. Both stages use the same Node image: the SQLite
# binding (better-sqlite3) compiled in the build stage only loads on the same Node major.
#   docker build -t patchbot .
#   docker run --env-file patchbot.env -v patchbot-data:/data \
#     -v "$PWD/patchbot.yml:/etc/patchbot/patchbot.yml:ro" -p 3000:3000 patchbot

FROM node:26.10.0-trixie-slim AS build
WORKDIR /app
# better-sqlite3 compiles its SQLite binding from source when no prebuilt binary fits.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# --workspaces=false: the root package only. The sandbox workspace (packages/) is dev tooling: it is
# neither copied nor installed, so none of its code or dependencies reach the image.
RUN npm ci --workspaces=false --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY commands ./commands
RUN npm run build && npm prune --omit=dev --workspaces=false

FROM node:26.10.0-trixie-slim
# Memory (docs/benchmarks.md, "Organisation scale"): the old-space cap makes V8 collect before the
# heap grows with the host's memory; 8 MB semi-spaces let the short-lived objects of AWS pages die
# young instead of being promoted and collected again; two glibc malloc arenas instead of one per
# thread keep freed native memory (response buffers, the parser's) from staying resident in each.
# Together they took the bot's peak at 100,000 instances from 432 to 354 MB, and its CPU over a poll
# and a burst of commands from 27 to 18 s. A fixed malloc trim threshold stops glibc from raising it
# after large frees, so memory freed at the top of the heap goes back to the system: requiring the
# bot and its AWS clients took 178 MB RSS instead of 189 to 200. The cap is 144 MB since the AWS pages
# are read with less garbage (EC2's with htmlparser2, SSM's patch states with JSON.parse): the peak at
# 100,000 instances was 282 and 284 MB with it (290 to 307 with 160), the polls no slower. The live
# heap there is 82 to 109 MB, and during a poll V8 collects fully about 12 times (docs/benchmarks.md,
# eleventh round); a fleet much larger needs a larger cap (README, "Run it with Docker").
ENV NODE_ENV=production \
    NODE_OPTIONS="--max-old-space-size=144 --max-semi-space-size=8" \
    MALLOC_ARENA_MAX=2 \
    MALLOC_TRIM_THRESHOLD_=131072 \
    PATCHBOT_CONFIG=/etc/patchbot/patchbot.yml \
    PORT=3000 \
    HOST=0.0.0.0
WORKDIR /app
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# /data must stay writable by `node` (uid 1000) for the state file and its -wal and -shm files.
# The default state file, ./data/patchbot.db, is on the volume through /app/data -> /data. No
# PATCHBOT_DB is set here, so PATCHBOT_DATABASE_URL alone selects PostgreSQL (only one may be named).
RUN mkdir -p /data /etc/patchbot && chown node:node /data && ln -s /data /app/data
USER node
VOLUME ["/data"]
EXPOSE 3000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
# `node dist/src/main.js --check` runs the preflight checks instead (npm run check needs dev tools).
CMD ["node", "dist/src/main.js"]
