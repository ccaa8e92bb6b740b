import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfigText } from '../../src/config/load.js';
import { scrubberForConfig } from '../../src/config/secrets.js';

const NODE = 'node: { id: edge-01, site: binh-duong }\n';
const CAM = (extra: string) =>
  `${NODE}cameras:\n  - id: cam1\n    url: rtsp://user:pw@10.0.0.5:554/stream2\n${extra}`;

function problems(yaml: string, env: Record<string, string> = {}): string[] {
  try {
    parseConfigText(yaml, '/etc/ioc-edge/test.yaml', { env, cwd: '/tmp' });
  } catch (err) {
    if (err instanceof ConfigError)
      return err.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
    throw err;
  }
  return [];
}

// Each broken config with the exact line a technician must see.
const cases: [string, string, string][] = [
  ['missing node', 'cameras: []\n', 'node: required (object)'],
  ['missing camera url', `${NODE}cameras:\n  - id: cam1\n`, 'cameras[0].url: required (string)'],
  [
    'wrong type for fps',
    CAM('    detect: { fps: "fast" }\n'),
    'cameras[0].detect.fps: expected a number, got the string "fast"',
  ],
  [
    'bad URL',
    `${NODE}cameras:\n  - id: cam1\n    url: "not a url"\n`,
    'cameras[0].url: not a valid URL: not a url',
  ],
  [
    'unsupported scheme',
    `${NODE}cameras:\n  - id: cam1\n    url: http://10.0.0.5/video\n`,
    'cameras[0].url: unsupported URL scheme "http", expected one of rtsp, rtsps, file',
  ],
  [
    'relative file URL',
    `${NODE}cameras:\n  - id: cam1\n    url: file://clips/a.mp4\n`,
    'cameras[0].url: file URLs must hold an absolute path: file:///abs/path.mp4',
  ],
  [
    'line with one point',
    CAM('    lines:\n      - id: main\n        points: [[0, 0.5]]\n'),
    'cameras[0].lines[0].points: expected 2 points, got 1',
  ],
  [
    'polygon with 2 points',
    CAM('    zones:\n      - id: road\n        polygon: [[0.1, 0.4], [0.9, 0.4]]\n'),
    'cameras[0].zones[0].polygon: expected at least 3 points, got 2',
  ],
  [
    'zone border crossing itself (points clicked out of order)',
    CAM('    zones:\n      - id: road\n        polygon: [[0.1, 0.4], [0.9, 0.9], [0.9, 0.4], [0.1, 0.9]]\n'),
    'cameras[0].zones[0].polygon: the border crosses itself: the edge from point 0 to 1 crosses the edge from point 2 to 3; list the points in order around the area',
  ],
  [
    'ignore area crossing itself',
    CAM('    detect:\n      ignore: [[[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.3, 0.05], [0.1, 0.5]]]\n'),
    'cameras[0].detect.ignore[0]: the border crosses itself: the edge from point 0 to 1 crosses the edge from point 2 to 3; list the points in order around the area',
  ],
  [
    'zone on one line',
    CAM('    zones:\n      - id: road\n        polygon: [[0.1, 0.4], [0.5, 0.4], [0.9, 0.4]]\n'),
    'cameras[0].zones[0].polygon: the points enclose no area (they lie on one line)',
  ],
  [
    'fraction above 1',
    CAM('    lines:\n      - id: main\n        points: [[0, 0.5], [1.5, 0.5]]\n'),
    'cameras[0].lines[0].points[1][0]: expected a fraction of the frame between 0 and 1, got 1.5',
  ],
  [
    'negative fraction',
    CAM('    zones:\n      - id: road\n        polygon: [[0.1, -0.2], [0.9, 0.4], [1, 1]]\n'),
    'cameras[0].zones[0].polygon[0][1]: expected a fraction of the frame between 0 and 1, got -0.2',
  ],
  [
    'duplicate camera ids',
    `${NODE}cameras:\n  - { id: cam1, url: "rtsp://10.0.0.5/a" }\n  - { id: cam1, url: "rtsp://10.0.0.6/a" }\n`,
    'cameras[1].id: duplicate camera id "cam1" (also at index 0)',
  ],
  ['unknown top-level key', `${NODE}camras: []\n`, 'camras: unknown key (did you mean "cameras"?)'],
  [
    'unknown nested key',
    CAM('    detect: { fsp: 5 }\n'),
    'cameras[0].detect.fsp: unknown key (did you mean "fps"?)',
  ],
  [
    'unset ${VAR}',
    `${NODE}cameras:\n  - id: cam1\n    url: rtsp://user:\${CAM1_PASS}@10.0.0.5:554/stream2\n`,
    'cameras[0].url: environment variable CAM1_PASS is not set',
  ],
  [
    'node id not a slug',
    'node: { id: "Edge 01", site: binh-duong }\n',
    'node.id: expected a slug: 1-64 lower-case letters, digits, "-" or "_", starting with a letter or digit',
  ],
  [
    'enum value',
    CAM('    transport: sctp\n'),
    'cameras[0].transport: expected one of "tcp", "udp", got the string "sctp"',
  ],
  [
    'zero-length line',
    CAM('    lines:\n      - id: main\n        points: [[0.5, 0.5], [0.5, 0.5]]\n'),
    'cameras[0].lines[0].points: the two points are the same; a line needs two different points',
  ],
  [
    'duplicate line ids',
    CAM(
      '    lines:\n      - { id: a, points: [[0, 0.5], [1, 0.5]] }\n      - { id: a, points: [[0, 0.7], [1, 0.7]] }\n',
    ),
    'cameras[0].lines[1].id: duplicate line id "a" (also at index 0)',
  ],
  [
    'influx v2 without token',
    `${NODE}influx: { url: http://127.0.0.1:8086, api: v2, org: o, bucket: b }\n`,
    'influx.token: required when influx.api is v2',
  ],
  [
    'bad size',
    `${NODE}influx: { spool: { maxBytes: 2 parsecs } }\n`,
    'influx.spool.maxBytes: expected a positive size such as 2GB or 512MiB (at most 8 PiB), got "2 parsecs"',
  ],
  [
    'bad duration',
    CAM('    stallTimeout: soon\n'),
    'cameras[0].stallTimeout: expected a duration such as 10, "500ms", "10s" or "5m" (from 1s to 10m), got "soon"',
  ],
  [
    'port out of range',
    `${NODE}api: { port: 70000 }\n`,
    'api.port: expected a port number 0-65535, got 70000',
  ],
  [
    'port not a number',
    `${NODE}mqtt: { broker: { port: "18 83" } }\n`,
    'mqtt.broker.port: expected a port number 0-65535, got "18 83"',
  ],
  [
    'uplink client certificate without its key',
    `${NODE}uplink:\n  mqtt: { url: "mqtts://ioc.example:8883", tls: { ca: ca.pem, cert: node.pem } }\n`,
    'uplink.mqtt.tls.key: required with tls.cert',
  ],
  [
    'uplink TLS files on a plain mqtt:// url',
    `${NODE}uplink:\n  mqtt: { url: "mqtt://ioc.example:1883", tls: { ca: ca.pem } }\n`,
    'uplink.mqtt.tls: TLS settings need an mqtts:// or wss:// url',
  ],
  [
    'uplink QoS 0 (alerts need an acknowledgement)',
    `${NODE}uplink:\n  mqtt: { url: "mqtts://ioc.example:8883", qos: 0 }\n`,
    'uplink.mqtt.qos: expected 1 or 2: alerts need an acknowledgement',
  ],
  [
    'uplink topic prefix with a wildcard',
    `${NODE}uplink:\n  mqtt: { url: "mqtts://ioc.example:8883", topicPrefix: "ioc/#" }\n`,
    'uplink.mqtt.topicPrefix: a topic prefix has no wildcards (+ #), no leading or trailing "/" and no empty level',
  ],
  [
    'webhook secret misspelt',
    `${NODE}uplink:\n  webhook: { url: "https://dispatch.example/alerts", secrt: x }\n`,
    'uplink.webhook.secrt: unknown key (did you mean "secret"?)',
  ],
  [
    'webhook url not http',
    `${NODE}uplink:\n  webhook: { url: "mqtt://dispatch.example/alerts" }\n`,
    'uplink.webhook.url: unsupported URL scheme "mqtt", expected one of http, https',
  ],
  [
    'alert cooldown not a duration',
    `${NODE}alerts: { cooldown: forever }\n`,
    'alerts.cooldown: expected a duration such as 10, "500ms", "10s" or "5m" (from 0 to 1d), got "forever"',
  ],
  [
    'alert outbox bound not a size',
    `${NODE}alerts: { outbox: { maxBytes: lots } }\n`,
    'alerts.outbox.maxBytes: expected a positive size such as 2GB or 512MiB (at most 8 PiB), got "lots"',
  ],
  [
    'sensor rule on a metric the decoder does not give',
    `${NODE}sensors:\n  devices:\n    - { id: aq, type: air, topic: s/aq, decoder: { type: json, fields: { pm25: pm2_5 } }, rules: [{ metric: pm10, raise: 50 }] }\n`,
    'sensors.devices[0].rules[0].metric: the device has no metric "pm10" (its decoder gives pm25)',
  ],
  [
    'offline rule without an interval',
    `${NODE}sensors:\n  devices:\n    - { id: aq, type: air, topic: s/aq, rules: [{ offline: 3 }] }\n`,
    'sensors.devices[0].rules[0].offline: the offline rule needs the device interval (e.g. interval: 60s)',
  ],
  [
    'two sensors on one topic and key',
    `${NODE}sensors:\n  devices:\n    - { id: a, type: air, topic: s/+/state, key: k1 }\n    - { id: b, type: air, topic: s/+/state, key: k1 }\n`,
    'sensors.devices[1].topic: devices 0 and 1 would both receive the messages of "s/+/state" with key "k1"',
  ],
  [
    'sensor topic with a misplaced wildcard',
    `${NODE}sensors:\n  devices:\n    - { id: a, type: air, topic: "s/a/#/x" }\n`,
    'sensors.devices[0].topic: "#" must be a whole level and the last one',
  ],
  [
    'unknown decoder',
    `${NODE}sensors:\n  devices:\n    - { id: a, type: air, topic: s/a, decoder: modbus }\n`,
    'sensors.devices[0].decoder.type: expected one of json, number, kv, influx, chirpstack, ttn, tasmota, zigbee2mqtt, sparkplug, got "modbus"',
  ],
  [
    'unknown time zone',
    `${NODE}sensors:\n  devices:\n    - { id: a, type: air, topic: tele/a/SENSOR, decoder: { type: tasmota, timeZone: Mars/Olympus } }\n`,
    'sensors.devices[0].decoder.timeZone: unknown time zone "Mars/Olympus"',
  ],
  [
    'metric range upside down',
    `${NODE}sensors:\n  devices:\n    - { id: a, type: air, topic: s/a, metrics: { pm25: { min: 10, max: 0 } } }\n`,
    'sensors.devices[0].metrics.pm25: min 10 must be below max 0',
  ],
  [
    'broker user for an unknown device',
    `${NODE}mqtt: { broker: { users: [{ username: u, password: p, devices: [ghost] }] } }\n`,
    'mqtt.broker.users[0].devices[0]: no sensor device "ghost" in sensors.devices',
  ],
  ['bad ackAfter', `${NODE}sensors: { ackAfter: never }\n`, 'sensors.ackAfter: expected one of'],
  ['YAML syntax', `${NODE}cameras: [\n`, 'YAML line 3 column 1'],
  ['not a mapping', '- just\n- a list\n', 'expected a mapping of settings at the top of the file'],
];

describe('check-config: broken configs', () => {
  it.each(cases)('%s', (_name, yaml, expected) => {
    const found = problems(yaml);
    expect(
      found.some((p) => p.startsWith(expected)),
      `expected "${expected}" in:\n${found.join('\n')}`,
    ).toBe(true);
  });

  it('lists every problem of a file at once, not only the first', () => {
    const found = problems(
      `node: { id: "Bad Id", site: s }\ncameras:\n  - id: cam1\n    url: ftp://x/y\n    lines:\n      - { id: l, points: [[0, 0]] }\n  - id: cam1\n    url: rtsp://h/x\nextra: 1\n`,
    );
    expect(found).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^node\.id: expected a slug/),
        expect.stringMatching(/^cameras\[0\]\.url: unsupported URL scheme "ftp"/),
        'cameras[0].lines[0].points: expected 2 points, got 1',
        'cameras[1].id: duplicate camera id "cam1" (also at index 0)',
        'extra: unknown key',
      ]),
    );
  });

  it('never echoes a camera password in an error', () => {
    const found = problems(`${NODE}cameras:\n  - id: cam1\n    url: "rtsp://admin:hunter22@"\n`);
    expect(found.join('\n')).not.toContain('hunter22');
    expect(found.join('\n')).toContain('rtsp://admin:***@');
  });
});

describe('config: valid files', () => {
  it('fills defaults and parses units', () => {
    const cfg = parseConfigText(
      `${NODE}cameras:\n  - id: cam1\n    url: rtsp://10.0.0.5/s\n    stallTimeout: 2500ms\n    lines:\n      - { id: main, points: [[0, 0.5], [1, 0.5]], directions: [down, up] }\ninflux: { spool: { maxBytes: 512MiB } }\n`,
      '/etc/ioc-edge/x.yaml',
      { env: {}, cwd: '/srv' },
    );
    const cam = cfg.cameras[0]!;
    expect(cam.stallTimeout).toBe(2500);
    expect(cam.detect.fps).toBe(10);
    expect(cam.detect.motion.forceEvery).toBe(5000);
    expect(cam.transport).toBe('tcp');
    expect(cam.lines[0]!.anchor).toBe('center');
    expect(cfg.influx.spool.maxBytes).toBe(512 * 1024 * 1024);
    expect(cfg.influx.flushInterval).toBe(1000);
    expect(cfg.dataDir).toBe('/srv/var');
    expect(cfg.store.path).toBe('/srv/var/ioc-edge.db');
    expect(cfg.models.dir).toBe('/srv/models');
    expect(cfg.detector.model).toBe('/srv/models/yolox_nano.onnx');
  });

  it('substitutes ${VAR}, ${VAR:-default} and $${ inside values only', () => {
    const cfg = parseConfigText(
      `${NODE}cameras:\n  - id: cam1\n    name: "price $\${5}"\n    url: rtsp://u:\${CAM_PASS}@\${CAM_HOST:-10.0.0.9}/s\n`,
      '/x.yaml',
      { env: { CAM_PASS: 'p: [x]' } },
    );
    expect(cfg.cameras[0]!.url).toBe('rtsp://u:p: [x]@10.0.0.9/s');
    expect(cfg.cameras[0]!.name).toBe('price ${5}');
  });

  it('takes ports from ${VAR:-default} (a string of digits)', () => {
    const yaml = `${NODE}api:\n  port: \${API_PORT:-8080}\nmqtt:\n  broker:\n    port: \${MQTT_PORT:-1883}\n`;
    const defaults = parseConfigText(yaml, '/x.yaml', { env: {} });
    expect([defaults.api.port, defaults.mqtt.broker.port]).toEqual([8080, 1883]);
    const set = parseConfigText(yaml, '/x.yaml', { env: { API_PORT: '18080', MQTT_PORT: '0' } });
    expect([set.api.port, set.mqtt.broker.port]).toEqual([18080, 0]);
  });

  it("reads the issue's uplink shape: TLS files resolved, ${VAR} secrets, defaults filled", () => {
    const cfg = parseConfigText(
      `${NODE}uplink:
  mqtt:
    url: mqtts://ioc.example:8883
    tls: { ca: /etc/ioc-edge/ca.pem, cert: node.pem, key: node.key }
    username: edge-01
    password: \${IOC_PASS}
    topicPrefix: ioc/{site}/{node}
  webhook: { url: https://dispatch.example/alerts, secret: \${WEBHOOK_SECRET} }
  heartbeat: 30s
`,
      '/etc/ioc-edge/x.yaml',
      { env: { IOC_PASS: 'ioc-pw-1', WEBHOOK_SECRET: 'whsec-2' }, cwd: '/etc/ioc-edge' },
    );
    // The uplink's secrets never reach a log line or an API answer.
    expect(scrubberForConfig(cfg).scrub('password ioc-pw-1, secret whsec-2')).toBe(
      'password ***, secret ***',
    );
    expect(cfg.uplink.mqtt).toMatchObject({
      tls: { ca: '/etc/ioc-edge/ca.pem', cert: '/etc/ioc-edge/node.pem', key: '/etc/ioc-edge/node.key' },
      password: 'ioc-pw-1',
      qos: 1,
      protocolVersion: 5,
      commands: true,
    });
    expect(cfg.uplink.webhook).toMatchObject({ secret: 'whsec-2', timeout: 10_000 });
    expect(cfg.uplink.heartbeat).toBe(30_000);
    expect(cfg.alerts).toMatchObject({
      cooldown: 60_000,
      cameraDownAfter: 60_000,
      outbox: { maxBytes: 512_000_000 },
    });
  });

  it('takes the models folder from IOC_EDGE_MODELS', () => {
    const cfg = parseConfigText(NODE, '/x.yaml', { env: { IOC_EDGE_MODELS: '/opt/models' }, cwd: '/' });
    expect(cfg.detector.model).toBe('/opt/models/yolox_nano.onnx');
  });
});
