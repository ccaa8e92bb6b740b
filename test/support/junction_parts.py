"""What the composing scripts (compose-fallen.py, compose-light.py) cut from the junction clip and how they
write a clip: frames by number, a road user cut out by difference with a clean frame, the silver car, and
the ffmpeg CLI taking raw BGR frames to H.264."""
import subprocess

import cv2
import numpy as np

CAR_FRAME, CAR_BOX = 300, (420, 133, 528, 208)
# Where the silver car drives in from (the right edge) and where it stops on the junction: its top left, px.
CAR_FROM, CAR_TO = (600, 190), (300, 230)


def open_clip(path):
    """The clip's capture, its frame rate (30 when it does not say) and its frame size."""
    cap = cv2.VideoCapture(path)
    fps = cap.get(cv2.CAP_PROP_FPS) or 30
    return cap, fps, int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT))


def car_at(n, drive, stop):
    """The silver car's top left on frame `n`: driving from CAR_FROM at frame `drive`, at CAR_TO from `stop` on."""
    f = min(1.0, (n - drive) / (stop - drive))
    return int(CAR_FROM[0] + f * (CAR_TO[0] - CAR_FROM[0])), int(CAR_FROM[1] + f * (CAR_TO[1] - CAR_FROM[1]))


def frame(cap, n):
    cap.set(cv2.CAP_PROP_POS_FRAMES, n)
    ok, img = cap.read()
    if not ok:
        raise SystemExit(f"no frame {n}")
    return img


def cutout(img, clean, box):
    """The part of `img` in `box` that differs from `clean` (grey difference > 30, closed): pixels, mask."""
    x1, y1, x2, y2 = box
    a = img[y1:y2, x1:x2]
    d = cv2.absdiff(cv2.cvtColor(a, cv2.COLOR_BGR2GRAY), cv2.cvtColor(clean[y1:y2, x1:x2], cv2.COLOR_BGR2GRAY))
    mask = (d > 30).astype(np.uint8) * 255
    mask = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, np.ones((5, 5), np.uint8))
    return a.copy(), mask


def silver_car(cap):
    """The silver car of frame 300, cut out by difference with the median of the clip's frames."""
    samples = [frame(cap, n) for n in range(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) - 1, 30)]
    empty = np.median(np.stack(samples), axis=0).astype(np.uint8)
    return cutout(frame(cap, CAR_FRAME), empty, CAR_BOX)


def h264_writer(out, w, h, fps):
    """An ffmpeg process writing the raw BGR frames fed to its stdin to `out` as H.264."""
    return subprocess.Popen(
        ["ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24", "-s", f"{w}x{h}", "-r", str(fps),
         "-i", "-", "-c:v", "libx264", "-preset", "veryfast", "-crf", "20", "-pix_fmt", "yuv420p", out],
        stdin=subprocess.PIPE,
    )
