import { collectDefaultMetrics, Registry } from 'prom-client';
import { ApiServer } from '../api/server.js';
import { CameraManager } from '../camera/camera-manager.js';
import { registerCameraRoutes } from '../camera/camera-routes.js';
import type { ResolvedConfig } from '../config/load.js';
import { type Service, ServiceGroup } from '../lifecycle/service.js';
import type { Logger } from '../log/logger.js';
import type { SecretScrubber } from '../log/redact.js';
import { EmbeddedBroker } from '../mqtt/embedded-broker.js';
import { SensorService } from '../sensors/service.js';
import { Store } from '../store/store.js';
import { cameraHealth } from '../timeseries/measurements.js';
import { TimeSeriesService } from '../timeseries/service.js';
import type { AnalyticsFactory } from '../vision/analytics-stage.js';
import { VisionService } from '../vision/vision-service.js';
import { liveTrafficAnalytics } from './traffic-pipeline.js';

/** The composition root: builds every part from the config and runs them as one process. */
export class Gateway {
  readonly metrics = new Registry();
  readonly services: ServiceGroup;
  store?: Store;
  api?: ApiServer;
  broker?: EmbeddedBroker;
  /** The time-series sink every module writes points to (`timeseries.write(point)`). */
  timeseries?: TimeSeriesService;
  cameras?: CameraManager;
  vision?: VisionService;
  sensors?: SensorService;

  constructor(
    readonly cfg: ResolvedConfig,
    readonly log: Logger,
    readonly scrubber: SecretScrubber,
  ) {
    this.services = new ServiceGroup((name, err) => log.error({ err, service: name }, 'stop failed'));
    this.metrics.setDefaultLabels({ node: cfg.node.id, site: cfg.node.site });
    collectDefaultMetrics({ register: this.metrics });
  }

  async start(): Promise<void> {
    const { cfg, log } = this;
    log.info({ node: cfg.node.id, site: cfg.node.site, config: cfg.source }, 'starting');
    this.store = new Store(cfg.store.path);
    const store = this.store;
    await this.run({ name: 'store', start: async () => {}, stop: async () => store.close() });

    // Started before every producer so it stops after them and flushes what they wrote.
    this.timeseries = new TimeSeriesService({
      influx: cfg.influx,
      store,
      defaultTags: { node: cfg.node.id, site: cfg.node.site },
      log: log.child({ module: 'timeseries' }),
      metrics: this.metrics,
    });
    await this.run(this.timeseries);

    if (cfg.mqtt.broker.embedded) {
      this.broker = new EmbeddedBroker(cfg.mqtt.broker, cfg.sensors, log.child({ module: 'broker' }));
      await this.run(this.broker);
    }
    // Sensors (issue 11): to be moved into src/pipeline/ by the lead.
    if (cfg.sensors.devices.length > 0 || cfg.sensors.subscribe.length > 0) {
      const local = this.broker?.serves(cfg.sensors.broker) ? this.broker : undefined;
      this.sensors = new SensorService({
        sensors: cfg.sensors,
        node: cfg.node,
        sink: this.timeseries.sink,
        spoolStore: this.timeseries.spool.store,
        publish: () => {},
        log: log.child({ module: 'sensors' }),
        metrics: this.metrics,
        credentials: local?.gatewayCredentials,
        protocolVersion: local ? 4 : undefined,
      });
      await this.run(this.sensors);
    }
    const detecting = cfg.cameras.filter((c) => c.enabled && c.detect.enabled);
    // The detector starts before the cameras are built: they letterbox frames to its input size. Its
    // analytics need the cameras; they are made once the cameras exist (attach() below).
    let analytics: AnalyticsFactory | undefined;
    if (detecting.length > 0) {
      this.vision = new VisionService(
        cfg.detector,
        log.child({ module: 'vision' }),
        (camera) => analytics!(camera),
        this.metrics,
      );
      await this.run(this.vision);
    }
    // Built before the API (its routes must exist before listen), started after it: sources start last
    // and stop first.
    const detector = this.vision?.detector;
    const cameras = new CameraManager({
      cameras: cfg.cameras,
      dataDir: cfg.dataDir,
      inputWidth: detector?.inputWidth,
      inputHeight: detector?.inputHeight,
      log,
      metrics: this.metrics,
      liveHost: cfg.api.host,
      liveToken: cfg.api.token,
    });
    this.cameras = cameras;
    analytics = liveTrafficAnalytics({ cameras, timeseries: this.timeseries, dataDir: cfg.dataDir, log });
    if (cfg.api.enabled) {
      this.api = new ApiServer(
        { host: cfg.api.host, port: cfg.api.port, nodeId: cfg.node.id, site: cfg.node.site },
        this.metrics,
        this.scrubber,
        log,
      );
      const ts = this.timeseries;
      const vision = this.vision;
      this.api.addHealth('timeseries', () => ({ ...ts.health() }));
      this.api.addHealth('cameras', () => cameras.health());
      if (vision) this.api.addHealth('vision', () => vision.health());
      const { sensors, broker } = this;
      if (sensors) this.api.addHealth('sensors', () => ({ ...sensors.health() }));
      if (broker) this.api.addHealth('broker', () => broker.health());
      registerCameraRoutes(this.api.app, cameras, cfg.api.token);
      await this.run(this.api);
      log.info({ url: this.api.url }, 'API listening');
    }
    for (const cam of cfg.cameras)
      log.info({ camera: cam.id, url: cam.url, enabled: cam.enabled }, 'camera configured');
    // Frame pools live as long as their camera (across reconnects), so each is attached once.
    for (const cam of detecting) {
      const source = cameras.get(cam.id);
      if (source) this.vision?.attach(cam, source.mailbox);
    }
    await this.run(cameras);
    await this.run(this.cameraHealthPoints(cameras, this.timeseries));
    log.info({ cameras: cfg.cameras.length }, 'running');
  }

  /** camera_health points for every camera, so outages show in the time series next to the traffic. */
  private cameraHealthPoints(cameras: CameraManager, ts: TimeSeriesService, everyMs = 10_000): Service {
    let timer: NodeJS.Timeout | undefined;
    const sample = () => {
      const now = Date.now();
      for (const h of Object.values(cameras.health())) ts.write(cameraHealth(h, now));
    };
    return {
      name: 'camera-health-points',
      start: async () => {
        timer = setInterval(sample, everyMs);
        timer.unref();
      },
      stop: async () => {
        clearInterval(timer);
        sample();
      },
    };
  }

  private async run(service: Service): Promise<void> {
    await this.services.start(service);
  }

  /** Stops sources first, then processors, then flushes sinks and closes the store. */
  async stop(): Promise<void> {
    await this.services.stopAll();
  }
}
