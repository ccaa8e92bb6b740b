#!/usr/bin/env bash
# Installs what ioc-edge needs on a Debian 12 machine, then the npm dependencies, then checks the committed
# model (models/yolox_nano.onnx) and links the shared test clips from ../shared/media when present (the demo
# does not need them: its clip is committed in demo/). Idempotent: quick when everything is there.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

# Debian packages, by the binary or file that proves each is there.
declare -A need=(
  [ffmpeg]="ffmpeg"
  [ffprobe]="ffmpeg"
  [mosquitto]="mosquitto"
  [mosquitto_pub]="mosquitto-clients"
  [influxd]="influxdb"
  [victoria-metrics]="victoria-metrics"
  [gst-launch-1.0]="gstreamer1.0-tools"
  [chromium]="chromium"
  [systemd-analyze]="systemd"
)
missing=()
for bin in "${!need[@]}"; do
  command -v "$bin" >/dev/null 2>&1 || missing+=("${need[$bin]}")
done
compgen -G '/usr/lib/*/girepository-1.0/GstRtspServer-1.0.typelib' >/dev/null || missing+=(gir1.2-gst-rtsp-server-1.0)
/usr/bin/python3 -c 'import gi' 2>/dev/null || missing+=(python3-gi)
/usr/bin/python3 -c 'import cv2' 2>/dev/null || missing+=(python3-opencv)
# The RTSP test camera's pipeline: tsdemux ! h264parse ! rtph264pay (ffmpeg feeds it MPEG-TS).
gst-inspect-1.0 rtph264pay >/dev/null 2>&1 || missing+=(gstreamer1.0-plugins-good)
gst-inspect-1.0 h264parse >/dev/null 2>&1 || missing+=(gstreamer1.0-plugins-bad)
gst-inspect-1.0 tsdemux >/dev/null 2>&1 || missing+=(gstreamer1.0-plugins-bad)

# The console's browser test drives Debian's Chromium (playwright-core, no browser download).
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t pkgs < <(printf '%s\n' "${missing[@]}" gstreamer1.0-plugins-base | sort -u)
  echo "bootstrap: installing ${pkgs[*]}"
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

# The Debian influxdb and victoria-metrics packages may start system services; the gateway and the tests
# start their own instances on free ports, so the system ones are not needed.

if ! node -e 'const [a, b] = process.versions.node.split(".").map(Number); process.exit(a > 20 || (a === 20 && b >= 19) ? 0 : 1)' 2>/dev/null; then
  echo "bootstrap: Node.js 20.19 or newer (with npm) is needed, found: $(node --version 2>/dev/null || echo none)" >&2
  exit 1
fi

# better-sqlite3 compiles SQLite from source (~100 s) when its prebuilt binary cannot be downloaded (only the
# npm registry may be reachable). Its installer (prebuild-install) first looks in the folder named by
# npm_config_better_sqlite3_local_prebuilds, where the binary built by an earlier install is kept, by version
# and Node ABI.
prebuilds="${XDG_CACHE_HOME:-$HOME/.cache}/ioc-edge/prebuilds"
export npm_config_better_sqlite3_local_prebuilds="$prebuilds"
# shellcheck disable=SC2016
sqlite_tar=$(node -p 'const v = JSON.parse(require("fs").readFileSync("package-lock.json", "utf8"))
  .packages["node_modules/better-sqlite3"].version;
  `better-sqlite3-v${v}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`')
sqlite_ok() { node -e 'new (require("better-sqlite3"))(":memory:").prepare("select 1").get()' 2>/dev/null; }

# npm ci only when node_modules does not hold exactly the locked versions (a stale mtime is no reason to
# reinstall, and node_modules may be a link to another checkout's install of the same lock).
# shellcheck disable=SC2016
if ! node -e '
  const fs = require("node:fs");
  const lock = JSON.parse(fs.readFileSync("package-lock.json", "utf8")).packages;
  const installed = JSON.parse(fs.readFileSync("node_modules/.package-lock.json", "utf8")).packages;
  for (const [path, pkg] of Object.entries(lock)) {
    if (!path || pkg.link || (pkg.optional && !installed[path])) continue;
    if (installed[path]?.version !== pkg.version) process.exit(1);
  }' 2>/dev/null; then
  if [ -L node_modules ]; then
    # npm ci would empty the folder the link points to (another checkout's install), then fail.
    echo "bootstrap: node_modules links to $(readlink -f node_modules), which does not hold the versions of" >&2
    echo "bootstrap: package-lock.json: run npm ci there, or replace the link with an install of its own (rm node_modules)" >&2
    exit 1
  fi
  npm ci --no-audit --no-fund
  sqlite_ok || { rm -f "$prebuilds/$sqlite_tar"; npm rebuild better-sqlite3; }
  # Compiled here (no usable binary was kept): keep it for the next install, a fresh clone or CI. Best effort.
  if [ -d node_modules/better-sqlite3/build/Release/obj.target ] && sqlite_ok; then
    (mkdir -p "$prebuilds" && tar -czf "$prebuilds/$sqlite_tar.tmp" -C node_modules/better-sqlite3 \
      build/Release/better_sqlite3.node && mv "$prebuilds/$sqlite_tar.tmp" "$prebuilds/$sqlite_tar") 2>/dev/null ||
      rm -f "$prebuilds/$sqlite_tar.tmp" 2>/dev/null || true
  fi
fi

# The committed binary assets: a Git LFS pointer or a truncated checkout must fail here, not at start.
check_sha256() {
  local file=$1 want=$2 got
  if [ ! -f "$file" ]; then
    echo "bootstrap: $file is missing from the checkout (it is committed in git): git checkout -- $file" >&2
    exit 1
  fi
  got=$(sha256sum "$file" | cut -d' ' -f1)
  if [ "$got" != "$want" ]; then
    echo "bootstrap: $file is not the committed file ($(wc -c <"$file") bytes, sha256 $got, expected $want)." >&2
    echo "bootstrap: a Git LFS pointer (git lfs pull) or an interrupted clone (git checkout -- $file)?" >&2
    exit 1
  fi
}
check_sha256 models/yolox_nano.onnx e8af074932d4ed7e232278e3055cefcdea3edf178874a3694ae292649fb464dd
check_sha256 demo/residential_street_parked_cars.mp4 625552e2e8949072e434be9a56879e64e1d805b22bd65318978efc39c504ef19

# The other real traffic clips (no licence to redistribute) stay out of git: the clip tests and benchmarks
# find them in media/, linked from the shared folder.
shared="${IOC_EDGE_SHARED:-$root/../shared}"
if [ ! -e media ] && [ -d "$shared/media" ]; then
  ln -sfn "$(cd "$shared/media" && pwd)" media
fi
if [ ! -e media ]; then
  echo "bootstrap: no shared clips ($shared/media): npm start works without them; only the clip tests and benchmarks need media/"
fi
echo "bootstrap: ok"
