#!/usr/bin/env bash
# Installs what ioc-edge needs on a Debian 12 machine, then the npm dependencies, then links the shared
# model and clips in from ../shared when present. Idempotent: quick when everything is there.
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

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund
fi

# Shared model and clips: linked, never committed.
shared="${IOC_EDGE_SHARED:-$root/../shared}"
if [ -d "$shared/models" ]; then
  for f in "$shared"/models/*.onnx "$shared"/models/*.json; do
    [ -e "$f" ] || continue
    ln -sfn "$f" "models/$(basename "$f")"
  done
fi
if [ -d "$shared/media" ] && [ ! -e media ]; then
  ln -sfn "$shared/media" media
fi
[ -e models/yolox_nano.onnx ] || echo "bootstrap: models/yolox_nano.onnx is missing; see models/README.md" >&2
[ -e media ] || echo "bootstrap: media/ is missing (no ../shared/media); the demo camera and clip tests need it" >&2
echo "bootstrap: ok"
