"""Composes a fallen cyclist into the junction clip, from the clip's own frames (a constructed test scene).

The clip has a cyclist waiting upright at the signal pole (frame 800) and a pedestrian on the zebra
(frame 150). Each is cut out of its frame by difference with a frame where that spot is empty (frame 150
for the cyclist, frame 600 for the pedestrian: grey difference > 30, closed), turned on its side (rotated
90 degrees: lying), and pasted together, the person beside the bicycle, onto every frame from FALL_S on, at
the lower left of the junction, where the road was empty. Written as H.264 by the ffmpeg CLI.

With --stopping-car, a car that stops after the fall (the emergency vehicle that comes to help): the silver
car of frame 300, cut out by difference with the median of the clip's frames, drives in from the right
edge 1 s after the fall, moving left for 2 s, and stands still on the junction to the end.

With --ride-in, the fall is not a cut: the cyclist (upright, as cut out of frame 800) rides to the spot
over the 2 s before the fall, from 0.25 of the picture's width to the left (or right, near the left edge),
and lies there from the fall on: a tracked road user that stops and goes down.

With --into OTHER, the cut-outs (scaled by --scale) are pasted into another clip's frames instead: the same
fallen cyclist on another road, seen by another camera.

usage: compose-fallen.py CLIP OUT [--fall 4] [--seconds 12] [--at 0.3,0.75] [--stopping-car] [--ride-in]
                         [--into OTHER --scale 1]
Prints one JSON object: fall time, the pasted box in fractions of the frame (with --stopping-car also
carStopSeconds and carBox, where it stands).
"""
import argparse
import json

import cv2

from junction_parts import CAR_TO, car_at, cutout, frame, h264_writer, open_clip, silver_car


def main():
    p = argparse.ArgumentParser()
    p.add_argument("clip")
    p.add_argument("out")
    p.add_argument("--fall", type=float, default=4.0)
    p.add_argument("--seconds", type=float, default=12.0)
    p.add_argument("--at", default="0.3,0.75")
    p.add_argument("--stopping-car", action="store_true")
    p.add_argument("--ride-in", action="store_true")
    p.add_argument("--into")
    p.add_argument("--scale", type=float, default=1.0)
    a = p.parse_args()
    cap, fps, w, h = open_clip(a.clip)
    bike, bike_mask = cutout(frame(cap, 800), frame(cap, 150), (310, 390, 380, 480))
    rider, rider_mask = bike, bike_mask  # upright, for --ride-in: `bike` is turned on its side below
    person, person_mask = cutout(frame(cap, 150), frame(cap, 600), (280, 245, 335, 335))
    car = None
    if a.stopping_car:
        car, car_mask = silver_car(cap)
    if a.scale != 1.0:
        def scaled(img, mask):
            size = (max(1, round(img.shape[1] * a.scale)), max(1, round(img.shape[0] * a.scale)))
            return cv2.resize(img, size, interpolation=cv2.INTER_AREA), cv2.resize(mask, size, interpolation=cv2.INTER_NEAREST)
        bike, bike_mask = scaled(bike, bike_mask)
        person, person_mask = scaled(person, person_mask)
        rider, rider_mask = bike, bike_mask
        if car is not None:
            car, car_mask = scaled(car, car_mask)
    if a.into:
        cap, fps, w, h = open_clip(a.into)
    # On their sides.
    bike, bike_mask = cv2.rotate(bike, cv2.ROTATE_90_CLOCKWISE), cv2.rotate(bike_mask, cv2.ROTATE_90_CLOCKWISE)
    person = cv2.rotate(person, cv2.ROTATE_90_COUNTERCLOCKWISE)
    person_mask = cv2.rotate(person_mask, cv2.ROTATE_90_COUNTERCLOCKWISE)
    # The person lies just below the bicycle.
    bh, bw = bike.shape[:2]
    ph, pw = person.shape[:2]
    cw, ch = max(bw, pw), bh + ph - round(10 * a.scale)
    cx, cy = (float(v) for v in a.at.split(","))
    ox, oy = int(cx * w - cw / 2), int(cy * h - ch / 2)
    cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
    ff = h264_writer(a.out, w, h, fps)
    fall = int(round(a.fall * fps))
    drive, stop = fall + int(round(fps)), fall + int(round(3 * fps))
    ride = fall - int(round(2 * fps))
    rh, rw = rider.shape[:2]
    # Where the rider's box ends up: centred on the spot, its wheels where the lying pair's bottom is.
    end_x, end_y = int(cx * w - rw / 2), int(oy + ch - rh)
    start_x = end_x - int(0.25 * w) if end_x - int(0.25 * w) >= 0 else end_x + int(0.25 * w)
    for n in range(int(round(a.seconds * fps))):
        ok, img = cap.read()
        if not ok:
            break
        parts = []
        if n >= fall:
            parts += [(bike, bike_mask, ox, oy), (person, person_mask, ox, oy + bh - round(10 * a.scale))]
        elif a.ride_in and n >= ride:
            f = (n - ride) / (fall - ride)
            parts.append((rider, rider_mask, int(start_x + f * (end_x - start_x)), max(0, end_y)))
        if car is not None and n >= drive:
            cx_, cy_ = car_at(n, drive, stop)
            parts.append((car, car_mask, cx_, cy_))
        if parts:
            for part, mask, px, py in parts:
                ph_, pw_ = part.shape[:2]
                roi = img[py:py + ph_, px:px + pw_]
                m = mask[: roi.shape[0], : roi.shape[1]] > 0
                roi[m] = part[: roi.shape[0], : roi.shape[1]][m]
        ff.stdin.write(img.tobytes())
    ff.stdin.close()
    if ff.wait() != 0:
        raise SystemExit("ffmpeg failed")
    out = {"fallSeconds": fall / fps, "box": [ox / w, oy / h, (ox + cw) / w, (oy + ch) / h]}
    if car is not None:
        out["carStopSeconds"] = stop / fps
        ch_, cw_ = car.shape[:2]
        out["carBox"] = [CAR_TO[0] / w, CAR_TO[1] / h, (CAR_TO[0] + cw_) / w, (CAR_TO[1] + ch_) / h]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
