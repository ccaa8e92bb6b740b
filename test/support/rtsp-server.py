"""
A looping RTSP camera for tests and benchmarks (GStreamer RTSP server).

Each RTSP session gets its own feeder: `ffmpeg -re -stream_loop -1 -i CLIP -c copy -f mpegts pipe:1`
(the clip is prepared by test/support/rtsp-camera.ts: H.264, no B-frames, short GOP), re-payloaded as
RTP H.264 without re-encoding. Feeders die with their session, and with this process (PR_SET_PDEATHSIG),
so a killed server leaves no orphan ffmpeg.

Run with /usr/bin/python3 (Debian's, which has gi + GstRtspServer):
  rtsp-server.py --port 8554 --mount /cam --clip prepared.mp4 [--user U --password P] [--ffmpeg PATH] [--shared]
With --shared all sessions share one feeder and pipeline (benchmarks with many cameras on one server: the
server then costs little per camera, as real cameras cost the box nothing to encode).
Prints "READY rtsp://127.0.0.1:PORT/MOUNT" once listening.
"""

import argparse
import ctypes
import os
import signal
import subprocess
import sys

try:
    import gi

    gi.require_version("Gst", "1.0")
    gi.require_version("GstRtspServer", "1.0")
    from gi.repository import GLib, Gst, GstRtspServer
except (ImportError, ValueError) as err:
    sys.stderr.write(
        f"rtsp-server.py: GStreamer RTSP server bindings missing ({err}); install Debian packages "
        "python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-bad gstreamer1.0-plugins-good and run "
        "with /usr/bin/python3\n"
    )
    sys.exit(3)

PR_SET_PDEATHSIG = 1
libc = ctypes.CDLL("libc.so.6", use_errno=True)


def die_with_parent():
    libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)


class LoopingClipFactory(GstRtspServer.RTSPMediaFactory):
    def __init__(self, clip, ffmpeg, shared=False):
        GstRtspServer.RTSPMediaFactory.__init__(self)
        self.clip = clip
        self.ffmpeg = ffmpeg
        self.feeders = {}
        self.set_shared(shared)
        self.connect("media-configure", self.on_media_configure)

    def do_create_element(self, url):
        feeder = subprocess.Popen(
            [self.ffmpeg, "-hide_banner", "-nostdin", "-loglevel", "error", "-re", "-stream_loop", "-1",
             "-i", self.clip, "-map", "0:v:0", "-c", "copy", "-f", "mpegts", "pipe:1"],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, preexec_fn=die_with_parent,
        )
        # A live appsrc (not fdsrc): a live media is not seekable, so the client's PLAY with a Range
        # does not make the server seek a pipe (which fails with 503).
        bin_ = Gst.parse_launch(
            "( appsrc name=feed is-live=true format=time caps=video/mpegts,systemstream=true,packetsize=188 "
            "! queue ! tsdemux ! h264parse config-interval=-1 ! queue ! rtph264pay name=pay0 pt=96 config-interval=-1 )"
        )
        appsrc = bin_.get_by_name("feed")
        fd = feeder.stdout.fileno()
        os.set_blocking(fd, False)

        def pump(_fd, cond):
            if cond & (GLib.IO_HUP | GLib.IO_ERR):
                data = b""
            else:
                try:
                    data = os.read(fd, 65536)
                except BlockingIOError:
                    return True
            if not data:
                appsrc.emit("end-of-stream")
                return False
            appsrc.emit("push-buffer", Gst.Buffer.new_wrapped(data))
            return True

        feeder.watch = GLib.io_add_watch(fd, GLib.PRIORITY_DEFAULT, GLib.IO_IN | GLib.IO_HUP | GLib.IO_ERR, pump)
        self.feeders[bin_] = feeder
        return bin_

    def on_media_configure(self, _factory, media):
        element = media.get_element()
        feeder = self.feeders.pop(element, None)
        if feeder is not None:
            media.connect("unprepared", lambda _m: stop_feeder(feeder))


def stop_feeder(feeder):
    if getattr(feeder, "watch", None):
        GLib.source_remove(feeder.watch)
        feeder.watch = None
    if feeder.poll() is None:
        feeder.kill()
    feeder.wait()
    feeder.stdout.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--mount", default="/cam")
    ap.add_argument("--clip", required=True)
    ap.add_argument("--user")
    ap.add_argument("--password")
    ap.add_argument("--ffmpeg", default="ffmpeg")
    ap.add_argument("--shared", action="store_true")
    args = ap.parse_args()

    Gst.init(None)
    server = GstRtspServer.RTSPServer()
    server.set_address("127.0.0.1")
    server.set_service(str(args.port))
    factory = LoopingClipFactory(args.clip, args.ffmpeg, args.shared)
    if args.user:
        auth = GstRtspServer.RTSPAuth()
        token = GstRtspServer.RTSPToken()
        token.set_string("media.factory.role", "user")
        auth.add_basic(GstRtspServer.RTSPAuth.make_basic(args.user, args.password or ""), token)
        server.set_auth(auth)
        perms = GstRtspServer.RTSPPermissions()
        perms.add_role_from_structure(
            Gst.Structure.from_string("user, media.factory.access=(boolean)true, "
                                      "media.factory.construct=(boolean)true")[0]
        )
        factory.set_permissions(perms)
    server.get_mount_points().add_factory(args.mount, factory)
    if server.attach(None) == 0:
        sys.stderr.write(f"rtsp-server.py: cannot listen on 127.0.0.1:{args.port}\n")
        sys.exit(2)

    loop = GLib.MainLoop()

    def quit_(*_):
        loop.quit()
        return False

    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGTERM, quit_)
    GLib.unix_signal_add(GLib.PRIORITY_DEFAULT, signal.SIGINT, quit_)
    print(f"READY rtsp://127.0.0.1:{args.port}{args.mount}", flush=True)
    loop.run()
    for feeder in list(factory.feeders.values()):
        stop_feeder(feeder)
    os._exit(0)


if __name__ == "__main__":
    main()
