"""Baseline: the usual OpenCV-Python traffic counter, for `npm run bench:detect`.

cv2.VideoCapture decodes every frame, cv2.dnn runs the same YOLOX model (yolox_cv2.py: cv2.resize
letterbox, blobFromImage, forward, NumPy decode, cv2.dnn.NMSBoxes), a simple greedy IoU tracker follows the
boxes and counts centre crossings of a horizontal line. Prints one JSON object.

usage: opencv_counter.py VIDEO MODEL LABELS [--line-y 0.5 [--line-y 0.7 ...]] [--max-frames N] [--events]

Each --line-y is a full-width horizontal line at that fraction of the height; counts are keyed "main" for
the first line (the benchmark's) and "y0.70"-style for every line. --events also lists each crossing (line,
direction, class, track, frame, seconds) for crossing-by-crossing comparison (bench/crossings.ts).
"""
import argparse
import json
import time

import cv2

from yolox_cv2 import YoloxCv2, iou


def line_key(y):
    return f"y{y:.2f}"


class IouTracker:
    def __init__(self, line_ys, match_iou=0.3, max_missed=10):
        self.tracks = {}  # id -> dict(box, cls, missed, prev_cy)
        self.next_id = 1
        self.line_ys = line_ys
        self.match_iou = match_iou
        self.max_missed = max_missed
        self.counts = {line_key(y): {} for y in line_ys}
        self.events = []
        self.frame = 0

    def update(self, dets):
        unmatched = list(range(len(dets)))
        for tid, t in list(self.tracks.items()):
            best, best_iou = None, self.match_iou
            for i in unmatched:
                v = iou(t["box"], dets[i][2:])
                if v >= best_iou:
                    best, best_iou = i, v
            if best is None:
                t["missed"] += 1
                if t["missed"] > self.max_missed:
                    del self.tracks[tid]
                continue
            unmatched.remove(best)
            cls, _, *box = dets[best]
            cy = (box[1] + box[3]) / 2
            prev = t["cy"]
            for y in self.line_ys:
                if prev < y <= cy:
                    self.count(y, "down", cls, tid)
                elif prev >= y > cy:
                    self.count(y, "up", cls, tid)
            t.update(box=box, cls=cls, missed=0, cy=cy)
        for i in unmatched:
            cls, _, *box = dets[i]
            self.tracks[self.next_id] = {"box": box, "cls": cls, "missed": 0, "cy": (box[1] + box[3]) / 2}
            self.next_id += 1

    def count(self, y, direction, cls, tid):
        d = self.counts[line_key(y)].setdefault(direction, {})
        d[cls] = d.get(cls, 0) + 1
        self.events.append({"line": line_key(y), "direction": direction, "cls": cls, "track": tid,
                            "frame": self.frame})


def main():
    p = argparse.ArgumentParser()
    p.add_argument("video")
    p.add_argument("model")
    p.add_argument("labels")
    p.add_argument("--line-y", type=float, action="append")
    p.add_argument("--max-frames", type=int, default=0)
    p.add_argument("--events", action="store_true")
    a = p.parse_args()
    det = YoloxCv2(a.model, a.labels)
    line_ys = a.line_y or [0.5]
    tracker = IouTracker(line_ys)
    cap = cv2.VideoCapture(a.video)
    if not cap.isOpened():
        raise SystemExit(f"cannot open {a.video}")
    fps = cap.get(cv2.CAP_PROP_FPS) or 25
    frames = 0
    infer_s = 0.0
    t0 = time.perf_counter()
    c0 = time.process_time()
    while True:
        ok, img = cap.read()
        if not ok:
            break
        t1 = time.perf_counter()
        dets = det.detect(img)
        infer_s += time.perf_counter() - t1
        tracker.frame = frames
        tracker.update(dets)
        frames += 1
        if a.max_frames and frames >= a.max_frames:
            break
    wall = time.perf_counter() - t0
    cpu = time.process_time() - c0
    counts = {"main": tracker.counts[line_key(line_ys[0])], **tracker.counts}
    out = {
        "frames": frames,
        "wallSeconds": round(wall, 3),
        "fps": round(frames / wall, 2) if wall > 0 else 0,
        "detectMeanMs": round(1000 * infer_s / max(1, frames), 2),
        "cpuMsPerFrame": round(1000 * cpu / max(1, frames), 2),
        "counts": counts,
        "opencv": cv2.__version__,
        "threads": cv2.getNumThreads(),
    }
    if a.events:
        out["videoFps"] = fps
        out["events"] = [dict(e, seconds=round(e["frame"] / fps, 3)) for e in tracker.events]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
