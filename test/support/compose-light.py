"""Composes changes of light into the junction clip, from the clip's own frames (constructed test scenes).

A car (the silver car of frame 300, cut out by difference with the median of the clip's frames) drives in
from the right edge at 2 s, moving left for 2 s, and stands still on the junction to the end, with
  --light pool     the pool of its headlights on the road ahead of it (50 grey levels brighter, soft edged),
  --light shadow   its shadow on the road beside it (the road at 0.55 of its light, soft edged),
both going with it while it drives. Or, without a car,
  --light cloud    a cloud's shadow settling over a fifth of the picture from 4 s (over 1 s) to the end
                   (the road at 0.7 of its light, soft edged).
Written as H.264 by the ffmpeg CLI.

usage: compose-light.py CLIP OUT --light pool|shadow|cloud [--seconds 12]
Prints one JSON object: carStopSeconds and carBox (fractions) where the car stands, or lightSeconds.
"""
import argparse
import json

import cv2
import numpy as np

from junction_parts import CAR_TO, car_at, h264_writer, open_clip, silver_car


def main():
    p = argparse.ArgumentParser()
    p.add_argument("clip")
    p.add_argument("out")
    p.add_argument("--light", choices=["pool", "shadow", "cloud"], required=True)
    p.add_argument("--seconds", type=float, default=12.0)
    a = p.parse_args()
    cap, fps, w, h = open_clip(a.clip)
    car, mask = silver_car(cap)
    mask = mask > 0
    ch, cw = car.shape[:2]
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)

    def ellipse(cx, cy, rx, ry):
        # 1 inside, falling off to 0 over the outer third: a soft edge.
        r = ((xx - cx) / rx) ** 2 + ((yy - cy) / ry) ** 2
        return np.clip(1.5 - r, 0, 1)[..., None]

    cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
    ff = h264_writer(a.out, w, h, fps)
    drive, stop = int(round(2 * fps)), int(round(4 * fps))
    light = int(round(4 * fps))
    cloud = ellipse(0.35 * w, 0.65 * h, 0.3 * w, 0.22 * h)
    for n in range(int(round(a.seconds * fps))):
        ok, img = cap.read()
        if not ok:
            break
        f32 = img.astype(np.float32)
        if a.light == "cloud":
            if n >= light:
                k = min(1.0, (n - light) / fps)
                img = np.clip(f32 * (1 - 0.3 * k * cloud), 0, 255).astype(np.uint8)
        elif n >= drive:
            px, py = car_at(n, drive, stop)
            if a.light == "pool":
                f32 = f32 + 50 * ellipse(px - 0.55 * cw, py + 0.75 * ch, 0.7 * cw, 0.3 * ch)
            else:
                f32 = f32 * (1 - 0.45 * ellipse(px + 0.9 * cw, py + 0.85 * ch, 0.55 * cw, 0.28 * ch))
            img = np.clip(f32, 0, 255).astype(np.uint8)
            roi = img[py:py + ch, px:px + cw]
            m = mask[: roi.shape[0], : roi.shape[1]]
            roi[m] = car[: roi.shape[0], : roi.shape[1]][m]
        ff.stdin.write(img.tobytes())
    ff.stdin.close()
    if ff.wait() != 0:
        raise SystemExit("ffmpeg failed")
    if a.light == "cloud":
        print(json.dumps({"lightSeconds": light / fps}))
    else:
        box = [CAR_TO[0] / w, CAR_TO[1] / h, (CAR_TO[0] + cw) / w, (CAR_TO[1] + ch) / h]
        print(json.dumps({"carStopSeconds": stop / fps, "carBox": box}))


if __name__ == "__main__":
    main()
