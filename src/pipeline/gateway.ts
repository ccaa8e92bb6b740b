import { collectDefaultMetrics, Registry } from 'prom-client';
import { AlertsService } from '../alerts/service.js';
import type { ComponentHealth } from '../api/health.js';
import { CameraManager } from '../camera/camera-manager.js';
import type { TileSpec } from '../camera/letterbox.js';
import type { SnapshotOverlay } from '../camera/snapshot-overlay.js';
import type { ResolvedConfig } from '../config/load.js';
import type { CameraConfig } from '../config/schema.js';
import { type Service, ServiceGroup } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import { EmbeddedBroker } from '../mqtt/embedded-broker.js';
import { SensorService } from '../sensors/service.js';
import { Store } from '../store/store.js';
import { TimeSeriesService } from '../timeseries/service.js';
import { registerUplinkMetrics } from '../uplink/metrics.js';
import { UplinkService, uplinkTopics } from '../uplink/service.js';
import { detectLayout } from '../vision/detect-layout.js';
import type { Detector } from '../vision/detector.js';
import { DetectorService, inferenceSessionsFor } from '../vision/detector-service.js';
import { feedAlertsAndUplink } from './alerts-sink.js';
import { cameraControl } from './camera-control.js';
import { cameraHealthPoints } from './camera-health-points.js';
import type { Readiness } from './config-apply.js';
import { EventBus } from './event-bus.js';
import type { PipelineEvent } from './events.js';
import { logIncidents } from './incident-log.js';
import { partHealth } from './part-health.js';
import { withRegionWidth } from './region-sizing.js';
import type { GatewayControl, RunnableGateway } from './runner.js';
import { writeEventsToTimeSeries } from './timeseries-sink.js';
import { TrafficPipeline } from './traffic-pipeline.js';

/**
 * The one composition of the live gateway: builds every part from the config, in the order the data
 * flows, and runs them as services. Sinks start first and stop last (they flush what the sources and
 * processors gave them); sources start last and stop first. Parts meet only here: producers publish
 * typed events on the bus, sinks subscribe to the types they take.
 */
export class Gateway implements RunnableGateway {
  readonly metrics = new Registry();
  readonly bus: EventBus<PipelineEvent>;
  private readonly services: ServiceGroup;
  store?: Store;
  broker?: EmbeddedBroker;
  /** The time-series sink every module writes points to (`timeseries.write(point)`). */
  timeseries?: TimeSeriesService;
  cameras?: CameraManager;
  detector?: DetectorService;
  traffic?: TrafficPipeline;
  alerts?: AlertsService;
  uplink?: UplinkService;
  sensors?: SensorService;
  /** True from the end of start() to the start of stop(). */
  running = false;
  /** Detection regions the gateway re-sized, by camera (region-sizing.ts; until the config changes). */
  private readonly regionWidths = new Map<string, number>();

  constructor(
    readonly cfg: ResolvedConfig,
    readonly log: Logger,
    readonly scrubber: SecretScrubber,
    /** The box as a whole (config apply); absent when the gateway runs on its own (tests). */
    readonly control?: GatewayControl,
  ) {
    this.services = new ServiceGroup((name, err) => log.error({ err, service: name }, 'stop failed'));
    this.bus = new EventBus((err, type) => log.error({ err, event: type }, 'event handler failed'));
    this.metrics.setDefaultLabels({ node: cfg.node.id, site: cfg.node.site });
    collectDefaultMetrics({ register: this.metrics });
  }

  async start(): Promise<void> {
    const { cfg, log } = this;
    log.info({ node: cfg.node.id, site: cfg.node.site, config: cfg.source }, 'starting');
    const timeseries = await this.startStoreAndTimeSeries();
    if (cfg.mqtt.broker.embedded) {
      this.broker = new EmbeddedBroker(cfg.mqtt.broker, cfg.sensors, log.child({ module: 'broker' }));
      await this.run(this.broker);
    }
    await this.startAlertsAndUplink(timeseries);
    // Processors. The detector loads before the cameras are built: they letterbox frames to its input size.
    const detecting = cfg.cameras.filter((c) => c.enabled && c.detect.enabled);
    if (detecting.length > 0) {
      this.detector = new DetectorService(
        cfg.detector,
        log.child({ module: 'vision' }),
        this.metrics,
        inferenceSessionsFor(detecting, cfg.detector),
      );
      await this.run(this.detector);
    }
    // Sources last: they stop first.
    await this.startSensors(timeseries);
    await this.startCameras(detecting, timeseries);
    this.running = true;
    log.info({ cameras: cfg.cameras.length, sensors: cfg.sensors.devices.length }, 'running');
  }

  /** The store and the durable time-series sink every part writes points to. */
  private async startStoreAndTimeSeries(): Promise<TimeSeriesService> {
    const { cfg, log } = this;
    const store = new Store(cfg.store.path);
    this.store = store;
    await this.run({ name: 'store', start: async () => {}, stop: async () => store.close() });
    const timeseries = new TimeSeriesService({
      influx: cfg.influx,
      store,
      defaultTags: { node: cfg.node.id, site: cfg.node.site },
      log: log.child({ module: 'timeseries' }),
      metrics: this.metrics,
    });
    this.timeseries = timeseries;
    await this.run(timeseries);
    writeEventsToTimeSeries(this.bus, timeseries);
    return timeseries;
  }

  /** Alerts and the uplink to the IOC: sinks, started before the processors and sources that feed them. */
  private async startAlertsAndUplink(timeseries: TimeSeriesService): Promise<void> {
    const { cfg, log, bus } = this;
    const store = this.store!;
    const topics = uplinkTopics(cfg.node, cfg.uplink);
    const { node, cameras: cams, dataDir } = cfg;
    const alerts = new AlertsService({
      ...{ node, cameras: cams, alerts: cfg.alerts, uplink: cfg.uplink, dataDir, store },
      log: log.child({ module: 'alerts' }),
      evidenceTopic: (id) => topics.evidence(id),
      spool: () => {
        const h = timeseries.health();
        // While the disk bounds the spool, its fill is against that bound (the alert says so in MB).
        return { bytes: h.spool.bytes, maxBytes: h.spool.bound, dropped: h.totals.dropped };
      },
      makeRoom: () => timeseries.makeRoom(),
    });
    this.alerts = alerts;
    await this.run(alerts);
    // On the embedded broker (the demo) the uplink logs in as the gateway's own user.
    const local = cfg.uplink.mqtt && this.broker?.serves(cfg.uplink.mqtt.url) ? this.broker : undefined;
    const uplink =
      local && !cfg.uplink.mqtt!.username
        ? { ...cfg.uplink, mqtt: { ...cfg.uplink.mqtt!, ...local.gatewayCredentials } }
        : cfg.uplink;
    this.uplink = new UplinkService({
      ...{ node, uplink, dataDir },
      outbox: alerts.outbox,
      alerts: alerts.manager,
      commands: { cameras: cameraControl(() => this.cameras), config: () => cfg, box: this.control },
      health: {
        cameras: () => this.cameras?.health() ?? {},
        timeseries: () => timeseries.health(),
        sensors: () => {
          const devices = this.sensors?.health().devices ?? {};
          return Object.fromEntries(Object.entries(devices).map(([id, d]) => [id, { ...d }]));
        },
      },
      scrubber: this.scrubber,
      log: log.child({ module: 'uplink' }),
    });
    await this.run(this.uplink);
    feedAlertsAndUplink(bus, alerts, this.uplink);
    registerUplinkMetrics(this.metrics, {
      manager: alerts.manager,
      outbox: alerts.outbox,
      uplink: this.uplink,
    });
  }

  /** Sensors over MQTT: each valid reading into the spool before its PUBACK; rule events onto the bus. */
  private async startSensors(timeseries: TimeSeriesService): Promise<void> {
    const { cfg } = this;
    if (cfg.sensors.devices.length === 0 && cfg.sensors.subscribe.length === 0) return;
    const local = this.broker?.serves(cfg.sensors.broker) ? this.broker : undefined;
    this.sensors = new SensorService({
      sensors: cfg.sensors,
      node: cfg.node,
      sink: timeseries.sink,
      spoolStore: timeseries.spool.store,
      publish: this.bus.emit,
      // Readings as events only for the uplink's telemetry summaries (the time series takes them directly).
      readingEvents: cfg.uplink.mqtt !== undefined,
      log: this.log.child({ module: 'sensors' }),
      metrics: this.metrics,
      credentials: local?.gatewayCredentials,
      protocolVersion: local ? 4 : undefined,
    });
    await this.run(this.sensors);
  }

  /**
   * A camera's frame layout (automatic detection regions, see vision/detect-plan.ts), logged with the
   * reasons once the picture size is known.
   */
  private layoutFor(camera: CameraConfig, detector: Detector, w: number, h: number): readonly TileSpec[] {
    const regionWidth = this.regionWidths.get(camera.id);
    const planned = regionWidth ? withRegionWidth(camera, regionWidth) : camera;
    const layout = detectLayout(planned, detector, w, h);
    if (w > 0) {
      this.log.info(
        {
          camera: camera.id,
          picture: `${w}x${h}`,
          tiles: layout.tiles.map((t) => `${t.width}x${t.height}${t.infer ? '' : ' (not inferred)'}`),
        },
        `detection: ${layout.explain.join('; ')}`,
      );
    }
    return layout.tiles;
  }

  /** The cameras, and the traffic pipeline on those that detect; their health points. */
  private async startCameras(detecting: CameraConfig[], timeseries: TimeSeriesService): Promise<void> {
    const { cfg, log, bus } = this;
    const detector = this.detector?.detector;
    const cameras = new CameraManager({
      cameras: cfg.cameras,
      dataDir: cfg.dataDir,
      inputWidth: detector?.inputWidth,
      inputHeight: detector?.inputHeight,
      layoutFor: detector ? (camera, w, h) => this.layoutFor(camera, detector, w, h) : undefined,
      log,
      metrics: this.metrics,
    });
    this.cameras = cameras;
    cameras.on('state', (transition) => bus.publish({ type: 'camera_state', transition }));
    logIncidents(bus, cameras, cfg.cameras, log);
    if (detector) {
      this.traffic = new TrafficPipeline({
        cameras: detecting,
        sources: cameras,
        detector,
        emit: bus.emit,
        onEvidence: (incident, jpeg, path) =>
          bus.publish({ type: 'incident_evidence', incident, jpeg, path }),
        dataDir: cfg.dataDir,
        log: log.child({ module: 'vision' }),
        metrics: this.metrics,
        onResize: (cameraId, resize) => {
          this.regionWidths.set(cameraId, resize.regionWidth);
          cameras.relayout(cameraId);
        },
      });
      await this.run(this.traffic);
    }
    for (const cam of cfg.cameras)
      log.info({ camera: cam.id, url: cam.url, enabled: cam.enabled }, 'camera configured');
    await this.run(cameras);
    await this.run(cameraHealthPoints(cameras, timeseries));
  }

  private async run(service: Service): Promise<void> {
    await this.services.start(service);
  }

  /** What a freshly applied config is checked against: camera states and the time-series sink's. */
  readiness(): Readiness {
    const cameras: Record<string, string> = {};
    for (const [id, cam] of this.cameras?.cameras ?? []) cameras[id] = cam.state;
    return { cameras, timeseries: this.timeseries?.health().state };
  }

  /** Stops sources first, then processors, then flushes sinks and closes the store. */
  async stop(): Promise<void> {
    this.running = false;
    await this.services.stopAll();
  }

  /** Whether the pipelines still make progress (the systemd watchdog is fed only while they do). */
  alive(): boolean {
    return this.running && (this.traffic?.alive() ?? true);
  }

  /** Each part's health for the API and the watchdog. */
  health(): Record<string, ComponentHealth> {
    return partHealth({ ...this, uplinkConfigured: this.cfg.uplink.mqtt !== undefined });
  }

  /** What a camera's snapshot shows over the picture: its live boxes, its lines and zones, its detection regions. */
  overlay(cameraId: string): SnapshotOverlay | undefined {
    const cam = this.cfg.cameras.find((c) => c.id === cameraId);
    if (!cam) return undefined;
    return {
      boxes: this.traffic?.boxes(cameraId) ?? [],
      lines: cam.lines,
      zones: cam.zones,
      regions: this.cameras?.detectRegions(cameraId) ?? [],
    };
  }
}
