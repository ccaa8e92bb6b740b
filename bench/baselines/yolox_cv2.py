"""YOLOX detection with OpenCV only (cv2.dnn on the CPU), the way a typical OpenCV-Python counter does it.

Used two ways: as the reference the Node pipeline is checked against (test/vision/reference.test.ts runs
`python3 yolox_cv2.py reference ...`), and as the detector of the benchmark baseline (opencv_counter.py).
Post-processing mirrors src/vision: best-class score = objectness x class score, per-class thresholds,
class-aware NMS, then near-identical boxes of confusable vehicle classes merged, riders folded into their
two-wheeler. Boxes are returned in fractions of the camera image.
"""
import json
import sys

import cv2
import numpy as np

TRAFFIC = ["car", "truck", "bus", "motorcycle", "bicycle", "person"]
NAMES = {"car": ["car"], "truck": ["truck"], "bus": ["bus"], "motorcycle": ["motorcycle", "motorbike"],
         "bicycle": ["bicycle"], "person": ["person", "pedestrian"]}
GROUP = {"car": 1, "truck": 1, "bus": 1, "motorcycle": 2, "bicycle": 2, "person": 0}
CROSS_CLASS_IOU = 0.7


class YoloxCv2:
    def __init__(self, model, labels, score=0.3, nms_iou=0.45, merge_riders=True, interpolation=cv2.INTER_LINEAR):
        self.net = cv2.dnn.readNetFromONNX(model)
        self.net.setPreferableBackend(cv2.dnn.DNN_BACKEND_OPENCV)
        self.net.setPreferableTarget(cv2.dnn.DNN_TARGET_CPU)
        with open(labels) as f:
            names = json.load(f)
        self.class_map = np.full(len(names), -1, dtype=np.int32)
        for i, n in enumerate(names):
            for t, aliases in NAMES.items():
                if n.strip().lower() in aliases:
                    self.class_map[i] = TRAFFIC.index(t)
        self.size = 416
        self.score = score
        self.nms_iou = nms_iou
        self.merge_riders = merge_riders
        self.interpolation = interpolation
        grids, strides = [], []
        for s in (8, 16, 32):
            g = self.size // s
            ys, xs = np.meshgrid(np.arange(g), np.arange(g), indexing="ij")
            grids.append(np.stack((xs, ys), 2).reshape(-1, 2))
            strides.append(np.full((g * g, 1), s))
        self.grid = np.concatenate(grids).astype(np.float32)
        self.strides = np.concatenate(strides).astype(np.float32)

    def letterbox(self, img):
        h, w = img.shape[:2]
        r = min(self.size / h, self.size / w)
        resized = cv2.resize(img, (int(round(w * r)), int(round(h * r))), interpolation=self.interpolation)
        padded = np.full((self.size, self.size, 3), 114, dtype=np.uint8)
        padded[: resized.shape[0], : resized.shape[1]] = resized
        return padded, r

    def infer(self, padded):
        self.net.setInput(cv2.dnn.blobFromImage(padded))  # BGR, 0..255, NCHW: the YOLOX contract
        return self.net.forward()[0]

    def detect(self, img):
        """[(cls, score, x1, y1, x2, y2)] in fractions of `img`."""
        h, w = img.shape[:2]
        padded, r = self.letterbox(img)
        out = self.infer(padded)
        return self.postprocess(out, r, w, h)

    def postprocess(self, out, r, w, h):
        obj = out[:, 4]
        best = out[:, 5:].argmax(1)
        score = obj * out[np.arange(len(out)), 5 + best]
        cls = self.class_map[best]
        keep = (cls >= 0) & (score >= self.score)
        if not keep.any():
            return []
        o, cls, score = out[keep], cls[keep], score[keep]
        grid, stride = self.grid[keep], self.strides[keep]
        cxy = (o[:, :2] + grid) * stride
        wh = np.exp(o[:, 2:4]) * stride
        boxes = np.concatenate((cxy - wh / 2, cxy + wh / 2), 1)
        dets = []
        for c in np.unique(cls):
            idx = np.where(cls == c)[0]
            xywh = [[float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])] for b in boxes[idx]]
            kept = cv2.dnn.NMSBoxes(xywh, score[idx].tolist(), self.score, self.nms_iou)
            for k in np.array(kept).reshape(-1):
                i = idx[k]
                dets.append([TRAFFIC[c], float(score[i])] + [float(v) for v in boxes[i]])
        dets.sort(key=lambda d: -d[1])
        out_dets = []
        for d in dets:  # confusable vehicle classes on one box: keep the best
            g = GROUP[d[0]]
            if g and any(GROUP[k[0]] == g and k[0] != d[0] and iou(k[2:], d[2:]) >= CROSS_CLASS_IOU for k in out_dets):
                continue
            out_dets.append(d)
        if self.merge_riders:
            out_dets = merge_riders(out_dets)
        sx, sy = 1 / (r * w), 1 / (r * h)
        res = []
        for c, s, x1, y1, x2, y2 in out_dets:
            res.append((c, s, clamp(x1 * sx), clamp(y1 * sy), clamp(x2 * sx), clamp(y2 * sy)))
        return res


def clamp(v):
    return min(1.0, max(0.0, v))


def iou(a, b):
    iw = min(a[2], b[2]) - max(a[0], b[0])
    ih = min(a[3], b[3]) - max(a[1], b[1])
    if iw <= 0 or ih <= 0:
        return 0.0
    inter = iw * ih
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


def merge_riders(dets, min_overlap=0.35):
    bikes = [d for d in dets if d[0] in ("motorcycle", "bicycle")]
    if not bikes:
        return dets
    out = []
    for d in dets:
        if d[0] != "person":
            out.append(d)
            continue
        px1, py1, px2, py2 = d[2:]
        pcx = (px1 + px2) / 2
        best, best_ov = None, min_overlap
        for b in bikes:
            bx1, by1, bx2, by2 = b[2:]
            if pcx < bx1 or pcx > bx2 or py2 > by2 + 0.15 * (by2 - by1):
                continue
            iw = min(px2, bx2) - max(px1, bx1)
            ih = min(py2, by2) - max(py1, by1)
            if iw <= 0 or ih <= 0:
                continue
            ov = iw * ih / min((px2 - px1) * (py2 - py1), (bx2 - bx1) * (by2 - by1))
            if ov >= best_ov:
                best, best_ov = b, ov
        if best is None:
            out.append(d)
        else:
            best[2:] = [min(best[2], px1), min(best[3], py1), max(best[4], px2), max(best[5], py2)]
    return out


def reference(video, first, count, model, labels, score):
    """Prints one JSON array of detections per frame for frames first..first+count-1.

    Shrinks with INTER_AREA: the pipeline's ffmpeg scaler widens its filter when shrinking (antialiased),
    which INTER_AREA matches and INTER_LINEAR (2x2 taps, aliasing) does not; the 3x shrink of a 720p frame
    to 416 makes that the main input difference (IoU >= 0.9 agreement 97 % vs 88 %).
    """
    det = YoloxCv2(model, labels, score=score, interpolation=cv2.INTER_AREA)
    cap = cv2.VideoCapture(video)
    n = 0
    while n < first + count:
        ok, img = cap.read()
        if not ok:
            raise SystemExit(f"{video}: only {n} frames")
        if n >= first:
            dets = det.detect(img)
            print(json.dumps([{"cls": c, "score": s, "x1": a, "y1": b, "x2": x, "y2": y} for c, s, a, b, x, y in dets]))
        n += 1


if __name__ == "__main__":
    if len(sys.argv) != 8 or sys.argv[1] != "reference":
        raise SystemExit("usage: yolox_cv2.py reference VIDEO FIRST COUNT MODEL LABELS SCORE")
    reference(sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6], float(sys.argv[7]))
