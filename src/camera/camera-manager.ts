import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Registry } from 'prom-client';
import type { CameraConfig } from '../config/schema.js';
import type { Service } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import { Camera, type CameraHealth, type CameraOptions } from './camera.js';
import { cameraInputs } from './camera-inputs.js';
import { registerCameraMetrics } from './camera-metrics.js';
import type { CameraState, CameraTransition } from './camera-state.js';
import { type Clip, ClipRecorder } from './clip-recorder.js';
import { layoutRegions, type TileSpec } from './letterbox.js';
import { LiveRelay } from './live-relay.js';
import { RecordStream, type RecordStreamHealth } from './record-stream.js';
import { type Snapshot, takeSnapshot } from './snapshot.js';

export interface CameraManagerOptions {
  cameras: readonly CameraConfig[];
  /** Clips go to <dataDir>/clips/<camera>/{segments,events}. */
  dataDir: string;
  /** Detector input size (frames are letterboxed to it). Default 416x416 (YOLOX nano). */
  inputWidth?: number;
  inputHeight?: number;
  /**
   * Each camera's frame layout for its picture size (automatic detection regions from its lines and zones,
   * or its hand tiles); default: its `detect.tiles` at the input size.
   */
  layoutFor?: (camera: CameraConfig, srcWidth: number, srcHeight: number) => readonly TileSpec[];
  log: Logger;
  metrics?: Registry;
  /** Overrides for every camera (tests use short timings). */
  cameraDefaults?: Partial<CameraOptions>;
  /** Live relays stop this long after their last viewer left (default 10 s). */
  liveIdleStopMs?: number;
  /** Live relays give up when no video came within this (default 10 s). */
  liveStartTimeoutMs?: number;
}

export interface CameraManagerEvents {
  state: [CameraTransition];
}

export type CameraManagerHealth = CameraHealth & {
  liveViewers?: number;
  clipBytes?: number;
  /** The main stream's copy (cameras with a separate record input and clips on). */
  record?: RecordStreamHealth;
};

/**
 * All cameras of the gateway: their ingest, health, metrics, snapshots, event clips and live view. A camera
 * with one stream decodes it for detection and copies it into clip segments in one ffmpeg; a camera with a
 * detect substream decodes only that, and its main stream is copied by a second ffmpeg (RecordStream) when
 * clips are on, and grabbed for full-resolution snapshots on demand.
 */
export class CameraManager extends EventEmitter<CameraManagerEvents> implements Service {
  readonly name = 'cameras';
  readonly cameras = new Map<string, Camera>();
  private readonly clipRecorders = new Map<string, ClipRecorder>();
  private readonly recordStreams = new Map<string, RecordStream>();
  private readonly relays = new Map<string, LiveRelay>();
  private readonly configs = new Map<string, CameraConfig>();

  constructor(readonly opts: CameraManagerOptions) {
    super();
    for (const cfg of opts.cameras) {
      if (!cfg.enabled) continue;
      this.configs.set(cfg.id, cfg);
      let clips: ClipRecorder | undefined;
      if (cfg.clips.enabled) {
        clips = new ClipRecorder({
          cameraId: cfg.id,
          dir: join(opts.dataDir, 'clips', cfg.id, 'segments'),
          segmentMs: cfg.clips.segment,
          maxBytes: cfg.clips.maxBytes,
        });
        this.clipRecorders.set(cfg.id, clips);
      }
      const inputs = cameraInputs(cfg);
      const { detect, record } = inputs;
      if (clips && record && !inputs.shared) {
        this.recordStreams.set(
          cfg.id,
          new RecordStream({
            cameraId: cfg.id,
            url: record.url,
            transport: record.transport,
            outputs: () => clips.outputs(),
            stallTimeoutMs: cfg.stallTimeout,
            log: opts.log.child({ module: 'camera' }),
          }),
        );
      }
      const cam = new Camera({
        id: cfg.id,
        url: detect.url,
        transport: detect.transport,
        loop: cfg.loop,
        realtime: cfg.realtime,
        hwaccel: detect.hwaccel,
        stillInput: record ?? detect,
        width: opts.inputWidth ?? 416,
        height: opts.inputHeight ?? 416,
        tiles: cfg.detect.tiles,
        layoutFor: opts.layoutFor ? (w, h) => opts.layoutFor!(cfg, w, h) : undefined,
        detectFps: cfg.detect.fps,
        stallTimeoutMs: cfg.stallTimeout,
        // One decoder thread per camera: with many cameras on few cores, frame threads only add overhead
        // (bench:ingest: ~10 % less CPU per 1080p camera than ffmpeg's automatic choice).
        decoderThreads: 1,
        extraOutputs: clips && inputs.shared ? () => clips.outputs() : undefined,
        log: opts.log.child({ module: 'camera' }),
        ...opts.cameraDefaults,
      });
      cam.on('state', (t) => this.emit('state', t));
      this.cameras.set(cfg.id, cam);
    }
    if (opts.metrics) registerCameraMetrics(opts.metrics, () => this.cameras.values());
  }

  get(id: string): Camera | undefined {
    return this.cameras.get(id);
  }

  /** Where a detecting camera looks closer than the whole picture now (layoutRegions of its frames). */
  detectRegions(id: string): TileSpec[] {
    const cam = this.cameras.get(id);
    return cam && this.configs.get(id)?.detect.enabled ? layoutRegions(cam.layout) : [];
  }

  async start(): Promise<void> {
    for (const c of this.clipRecorders.values()) c.start();
    for (const r of this.recordStreams.values()) r.start();
    for (const cam of this.cameras.values()) cam.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.relays.values()].map((r) => r.stop()));
    await Promise.all([...this.cameras.values()].map((c) => c.stop()));
    await Promise.all([...this.recordStreams.values()].map((r) => r.stop()));
    for (const c of this.clipRecorders.values()) c.stop();
  }

  health(): Record<string, CameraManagerHealth> {
    const out: Record<string, CameraManagerHealth> = {};
    for (const [id, cam] of this.cameras) {
      out[id] = {
        ...cam.health(),
        liveViewers: this.relays.get(id)?.viewers.size,
        clipBytes: this.clipRecorders.get(id)?.bytes,
        record: this.recordStreams.get(id)?.health(),
      };
    }
    return out;
  }

  /** The record stream of a camera (when it has one of its own). */
  recordStream(id: string): RecordStream | undefined {
    return this.recordStreams.get(id);
  }

  /** A picture of the camera now: by default a full-resolution still of its main stream (grabbed now). */
  async snapshot(id: string, full = true): Promise<Snapshot | undefined> {
    return takeSnapshot(this.requireCamera(id), { full });
  }

  /** Re-plans a camera's frame layout (layoutFor) and reconnects it when that changed. */
  relayout(id: string): void {
    this.cameras.get(id)?.relayout();
  }

  /** Restarts the camera's stream; resolves with its state once streaming again or after `waitMs`. */
  async restart(id: string, waitMs: number): Promise<{ state: CameraState }> {
    const cam = this.requireCamera(id);
    await cam.restart();
    if (cam.state !== 'streaming' && waitMs > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          cam.off('state', onState);
          resolve();
        };
        const onState = (t: CameraTransition) => {
          if (t.to === 'streaming') done();
        };
        const timer = setTimeout(done, waitMs);
        cam.on('state', onState);
      });
    }
    return { state: cam.state };
  }

  /** An event clip around `atMs` with the camera's configured before/after; resolves once written. */
  async clip(id: string, atMs: number, name?: string): Promise<Clip> {
    const clips = this.clipRecorders.get(id);
    const cfg = this.configs.get(id);
    if (!clips || !cfg) throw new Error(`camera ${id}: clips are not enabled (cameras[].clips.enabled)`);
    const dir = join(this.opts.dataDir, 'clips', id, 'events');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${name ?? new Date(atMs).toISOString().replace(/[:.]/g, '-')}.mp4`);
    return clips.clip(atMs, cfg.clips.before, cfg.clips.after, file);
  }

  /** The camera's settings (enabled cameras only). */
  config(id: string): CameraConfig | undefined {
    return this.configs.get(id);
  }

  /**
   * Starts (or reuses) the camera's live relay and resolves once video flows; rejects with a
   * LiveViewError saying why (unreachable, unauthorized, timeout...) when the camera gives none.
   */
  async liveView(id: string): Promise<LiveRelay> {
    const cam = this.requireCamera(id);
    const detect = cameraInputs(this.configs.get(id)!).detect;
    let relay = this.relays.get(id);
    if (!relay) {
      const info = cam.streamInfo;
      const width = 640;
      const height = info ? Math.round((width * info.height) / info.width / 2) * 2 : 360;
      relay = new LiveRelay({
        cameraId: id,
        url: detect.url,
        transport: detect.transport,
        loop: this.configs.get(id)!.loop,
        width,
        height,
        idleStopMs: this.opts.liveIdleStopMs,
        startTimeoutMs: this.opts.liveStartTimeoutMs,
        log: this.opts.log.child({ module: 'live' }),
        onStopped: () => {
          if (this.relays.get(id) === relay) this.relays.delete(id);
        },
      });
      this.relays.set(id, relay);
    }
    await relay.start();
    return relay;
  }

  relay(id: string): LiveRelay | undefined {
    return this.relays.get(id);
  }

  private requireCamera(id: string): Camera {
    const cam = this.cameras.get(id);
    if (!cam) throw new Error(`no camera "${id}"`);
    return cam;
  }
}
