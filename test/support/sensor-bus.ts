import mqtt, { type MqttClient } from 'mqtt';
import { configSchema, type SensorsConfig } from '../../src/config/schema.js';
import { SensorService, type SensorServiceOptions } from '../../src/sensors/service.js';
import type { Store } from '../../src/store/store.js';
import type { TimeSeriesService } from '../../src/timeseries/service.js';
import type { SpoolSink } from '../../src/timeseries/spool-sink.js';
import { type Mosquitto, startMosquitto } from './mosquitto.js';
import { removeDir, tempDir } from './process.js';
import { influxConfig, makeService, quietLogger } from './timeseries.js';

/**
 * Mosquitto as a sensor bus for a persistent-session subscriber: its default keeps 1,000 queued
 * messages per offline session and drops the rest, which would lose readings while the gateway
 * restarts; these tests and the bench raise that bound (docs/sensors.md says the same for deployments).
 */
export function startSensorBus(): Promise<Mosquitto> {
  return startMosquitto({ extra: ['max_queued_messages 10000000', 'max_inflight_messages 0'] });
}

/**
 * The gateway's sensor service for a test or bench: `cfg.sensors` read into the time-series service
 * `ts` (its spool in `store`), rule events dropped, no health timer, quiet. `extra` overrides any option.
 */
export function sensorService(
  cfg: { sensors: SensorsConfig; node: { id: string; site: string } },
  ts: { sink: SpoolSink },
  store: Store,
  extra: Partial<SensorServiceOptions> = {},
): SensorService {
  return new SensorService({
    sensors: cfg.sensors,
    node: cfg.node,
    sink: ts.sink,
    spoolStore: store,
    publish: () => {},
    log: quietLogger(),
    healthIntervalMs: 0,
    ...extra,
  });
}

export interface SensorRig {
  dir: string;
  ts: TimeSeriesService;
  store: Store;
  gateway: SensorService;
  /** Starts the time-series service, then the sensor service. */
  start(): Promise<void>;
  /** Stops both and removes the temp dir. */
  stop(): Promise<void>;
}

/**
 * A quiet sensor service on the `sensors` config section (node n1/s1, no embedded broker) writing to a
 * spool-only time-series service in a temp dir named after `prefix`; nothing runs until `start`.
 */
export function sensorRig(sensors: Record<string, unknown>, prefix: string): SensorRig {
  const cfg = configSchema.parse({
    node: { id: 'n1', site: 's1' },
    mqtt: { broker: { embedded: false } },
    sensors,
  });
  const dir = tempDir(prefix);
  const { service: ts, store } = makeService(dir, influxConfig());
  const gateway = sensorService(cfg, ts, store);
  return {
    dir,
    ts,
    store,
    gateway,
    async start() {
      await ts.start();
      await gateway.start();
    },
    async stop() {
      await gateway.stop();
      await ts.stop();
      store.close();
      removeDir(dir);
    },
  };
}

/**
 * A QoS 1 publisher keeping up to `window` messages in flight: `acked` counts the PUBACKs from the
 * broker (the broker holds the message from then on).
 */
export class QosPublisher {
  client!: MqttClient;
  acked = 0;
  sent = 0;
  /** Messages are not sent beyond index `ceiling` (see hold); the run resumes when it is raised. */
  private ceiling = Number.POSITIVE_INFINITY;
  private resume: (() => void) | undefined;

  constructor(
    private readonly url: string,
    private readonly clientId: string,
    private readonly window = 500,
    private readonly opts: { username?: string; password?: string; protocolVersion?: 4 | 5 } = {},
  ) {}

  async connect(): Promise<void> {
    this.client = await mqtt.connectAsync(this.url, {
      clientId: this.clientId,
      protocolVersion: 5,
      reconnectPeriod: 200,
      ...this.opts,
    });
  }

  /**
   * Sends nothing beyond message index `ceiling` until it is raised (Infinity: no ceiling): a test makes
   * sure the publisher is still sending when something happens, whatever the machine's speed.
   */
  hold(ceiling: number): void {
    this.ceiling = ceiling;
    this.resume?.();
  }

  /**
   * Publishes messages [from, to) made by `make`, at most `ratePerSec` a second when given; resolves when
   * the broker acknowledged all of them.
   */
  run(
    from: number,
    to: number,
    make: (i: number) => [string, string | Buffer],
    ratePerSec = 0,
  ): Promise<void> {
    return new Promise((resolve, reject) => {
      let next = from;
      let done = 0;
      const total = to - from;
      if (total <= 0) return resolve();
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      const pump = () => {
        const allowed = Math.min(
          ratePerSec > 0 ? from + ((Date.now() - started) / 1000) * ratePerSec : to,
          this.ceiling,
        );
        if (ratePerSec > 0 && next < to && !timer && next >= allowed)
          timer = setTimeout(() => {
            timer = undefined;
            pump();
          }, 5);
        while (next < to && next < allowed && next - from - done < this.window) {
          const [topic, payload] = make(next++);
          this.sent++;
          this.client.publish(topic, payload, { qos: 1 }, (err) => {
            if (err) return reject(err);
            this.acked++;
            done++;
            if (done === total) resolve();
            else pump();
          });
        }
      };
      this.resume = pump;
      pump();
    });
  }

  /** Disconnects (nothing to do when it never connected). */
  async end(): Promise<void> {
    await this.client?.endAsync();
  }
}
