import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { ConfigError } from '../../src/config/errors.js';
import { configJsonSchema } from '../../src/config/json-schema.js';
import { MAX_CONFIG_BYTES, parseConfigText } from '../../src/config/load.js';
import { runCli } from '../support/cli.js';
import { freePort, removeDir, tempDir } from '../support/process.js';

/**
 * Broken configs generated from the config's JSON Schema (made from the zod schema): for every key of a
 * full valid config, a wrong type, values past each bound, an unknown key beside it, each required key
 * missing; plus broken YAML and the findings of a hostile probe. Each must fail with its path and no
 * stack trace, through the real CLI (exit 1).
 */
const dir = tempDir('bad-config');
afterAll(() => removeDir(dir));

const SECRETS = { influx: 'Infl-S3cret', uplink: 'Upl-S3cret', webhook: 'Hook-S3cret', api: 'Api-T0ken' };

/** A valid config with every section filled in, so every key of the schema has a place to break. */
function baseConfig(): Record<string, unknown> {
  return {
    node: { id: 'edge-01', site: 'binh-duong', name: 'QL13 km 12', location: { lat: 11, lon: 106.6 } },
    log: { level: 'info', pretty: false },
    dataDir: '/var/lib/ioc-edge',
    store: { path: 'ioc-edge.db' },
    models: { dir: '/opt/models' },
    detector: {
      family: 'yolox',
      model: 'yolox_nano.onnx',
      labels: 'coco-labels.json',
      executionProviders: ['cpu'],
      intraOpThreads: 1,
      fitInput: true,
      scoreThreshold: 0.1,
      classThresholds: { car: 0.3 },
      nmsIou: 0.45,
      minBoxArea: 0,
      maxBoxArea: 0.5,
    },
    cameras: [
      {
        id: 'cam1',
        name: 'Gate',
        enabled: true,
        url: 'rtsp://viewer:Cam-S3cret@10.0.0.5:554/stream1',
        transport: 'tcp',
        loop: true,
        realtime: true,
        hwaccel: 'none',
        stallTimeout: '10s',
        countInterval: '60s',
        detect: {
          enabled: true,
          fps: 5,
          motion: { enabled: true, threshold: 0.002, pixelDelta: 18, forceEvery: '5s' },
          ignore: [
            [
              [0, 0],
              [0.2, 0],
              [0.2, 0.1],
            ],
          ],
          tiles: [[0, 0, 1, 1]],
        },
        clips: { enabled: false, segment: '2s', before: '5s', after: '5s', maxBytes: '1GB' },
        lines: [
          {
            id: 'main',
            points: [
              [0, 0.5],
              [1, 0.5],
            ],
            directions: ['in', 'out'],
            anchor: 'center',
            classes: ['car'],
          },
        ],
        zones: [
          {
            id: 'road',
            polygon: [
              [0.1, 0.4],
              [0.9, 0.4],
              [0.9, 0.9],
            ],
            kind: 'carriageway',
            direction: [0, 1],
            stoppedAfter: '30s',
            wrongWayFrames: 5,
            capacity: 20,
            congestion: {
              occupancy: { moderate: 0.3, heavy: 0.6, jammed: 0.85 },
              speedKmh: { moderate: 40, heavy: 20, jammed: 8 },
              hold: '30s',
            },
          },
        ],
        calibration: {
          image: [
            [0.1, 0.5],
            [0.9, 0.5],
            [0.9, 0.9],
            [0.1, 0.9],
          ],
          world: [
            [0, 0],
            [10, 0],
            [10, 30],
            [0, 30],
          ],
        },
      },
    ],
    mqtt: {
      broker: {
        embedded: true,
        host: '127.0.0.1',
        port: 1883,
        users: [{ username: 'gw', password: 'Broker-S3cret', role: 'gateway' }],
        anonymous: 'loopback',
        maxPacketSize: '256KB',
        maxClients: 200,
        maxPublishRate: 1000,
        maxRetained: 1000,
        maxRetainedSize: '16KB',
      },
    },
    sensors: {
      broker: 'mqtt://127.0.0.1:1883',
      clientId: 'edge-01-sensors',
      ackAfter: 'commit',
      syncInterval: '200ms',
      subscribe: ['sensors/#'],
      maxPayload: '64KB',
      maxJsonDepth: 32,
      maxFutureSkew: '5m',
      maxAge: '30d',
      skew: 'reject',
      unknownDevices: 'reject',
      deadLetterTopic: 'ioc-edge/{node}/sensors/rejected',
      keepRejected: 1000,
      offlineAfter: 3,
      devices: [
        {
          id: 'aq-01',
          type: 'air_quality',
          site: 'binh-duong',
          location: { lat: 11, lon: 106.6 },
          topic: 'sensors/aq-01/state',
          decoder: { type: 'json', fields: { pm25: 'pm2_5' }, time: 'ts' },
          interval: '60s',
          metrics: { pm25: { unit: 'ug/m3', min: 0, max: 1000 } },
          rules: [{ metric: 'pm25', raise: 55, clear: 35, for: '1m', severity: 'warning' }],
        },
      ],
    },
    influx: {
      url: 'http://127.0.0.1:8086',
      api: 'v1',
      database: 'ioc',
      username: 'edge',
      password: SECRETS.influx,
      precision: 'ms',
      gzip: true,
      batchSize: 5000,
      flushInterval: '1s',
      timeout: '10s',
      replayRate: 50_000,
      spool: { maxBytes: '2GB' },
    },
    uplink: {
      mqtt: {
        url: 'mqtts://ioc.example:8883',
        tls: { ca: 'ca.pem', cert: 'node.pem', key: 'node.key', servername: 'ioc.example' },
        username: 'edge-01',
        password: SECRETS.uplink,
        clientId: 'ioc-edge-binh-duong-edge-01',
        topicPrefix: 'ioc/{site}/{node}',
        qos: 1,
        protocolVersion: 5,
        keepalive: '30s',
        sessionExpiry: '7d',
        inflight: 200,
        commands: true,
      },
      webhook: { url: 'https://dispatch.example/alerts', secret: SECRETS.webhook, timeout: '10s' },
      heartbeat: '30s',
      telemetry: { interval: '60s' },
    },
    alerts: {
      cooldown: '60s',
      updateInterval: '5s',
      cameraDownAfter: '60s',
      diskMinFree: '1GB',
      outbox: { maxBytes: '512MB' },
    },
    api: { enabled: true, host: '127.0.0.1', port: 8080, token: SECRETS.api, hostnames: ['edge-01.local'] },
  };
}

type Json = Record<string, unknown>;
type Path = (string | number)[];

interface Case {
  name: string;
  /** The file's text. */
  text: string;
  /** A problem must be reported at this path (or below it); '' for file-level problems. */
  path: string;
  /** What the message must say, when known. */
  expect?: string | RegExp;
}

function formatPath(path: Path): string {
  return path.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function mutate(path: Path, change: (parent: Json, key: string | number) => void): string {
  const cfg = baseConfig();
  let node: Json = cfg;
  for (const k of path.slice(0, -1)) node = node[k as string] as Json;
  change(node, path.at(-1)!);
  return stringify(cfg, { aliasDuplicateObjects: false });
}

const SECRET_KEYS = new Set(['password', 'token', 'secret']);

/** Walks the JSON Schema beside the base config and makes the broken variants of every key. */
function generate(): Case[] {
  const cases: Case[] = [];
  const add = (path: Path, name: string, value: unknown, expect?: string | RegExp) => {
    const text = mutate(path, (p, k) => {
      (p as Record<string | number, unknown>)[k] = value;
    });
    // A list long enough to break its bound may first break the file's (5,001 full sensor devices).
    const tooLarge = Buffer.byteLength(text) > MAX_CONFIG_BYTES;
    cases.push({
      name: `${formatPath(path)}: ${name}`,
      text,
      path: tooLarge ? '' : formatPath(path),
      expect: tooLarge ? 'at most 1 MiB is read' : expect,
    });
  };

  const walk = (schema: Json, value: unknown, path: Path) => {
    const type = schema.type;
    if (type === 'object' && schema.properties) {
      if (path.length > 0) add(path, 'a number instead of a mapping', 42, 'expected a mapping');
      const props = schema.properties as Record<string, Json>;
      cases.push({
        name: `${formatPath(path) || 'top'}: unknown key`,
        text: mutate([...path, 'bogusKey'], (p, k) => {
          (p as Json)[k as string] = 1;
        }),
        path: formatPath([...path, 'bogusKey']),
        expect: 'unknown key',
      });
      for (const req of (schema.required as string[] | undefined) ?? []) {
        cases.push({
          name: `${formatPath([...path, req])}: missing`,
          text: mutate([...path, req], (p, k) => {
            delete (p as Json)[k as string];
          }),
          path: formatPath([...path, req]),
          expect: 'required',
        });
      }
      for (const [key, sub] of Object.entries(props))
        if (value && typeof value === 'object' && key in value)
          walk(sub, (value as Json)[key], [...path, key]);
      return;
    }
    if (type === 'array') {
      add(path, 'a string instead of a list', 'not-a-list', 'expected a list');
      const list = value as unknown[];
      if (typeof schema.maxItems === 'number' && list.length > 0)
        add(
          path,
          `${schema.maxItems + 1} items`,
          Array(schema.maxItems + 1).fill(list[0]),
          /at most|expected \d+ points/,
        );
      if (typeof schema.minItems === 'number' && schema.minItems > 0 && !schema.prefixItems)
        add(path, 'empty', []);
      const items = schema.items as Json | undefined;
      if (items && items.type === 'object' && list.length > 0) walk(items, list[0], [...path, 0]);
      return;
    }
    const secret = SECRET_KEYS.has(String(path.at(-1)));
    if (type === 'boolean') add(path, 'a string', 'maybe', 'expected a boolean');
    else if (type === 'number' || type === 'integer') {
      add(path, 'a string', 'many', 'expected a number');
      if (typeof schema.minimum === 'number') add(path, 'below the minimum', schema.minimum - 1);
      if (typeof schema.exclusiveMinimum === 'number')
        add(path, 'at the exclusive minimum', schema.exclusiveMinimum);
      if (typeof schema.maximum === 'number') add(path, 'above the maximum', schema.maximum + 1);
      if (type === 'integer') add(path, 'a fraction', 1.5);
    } else if (type === 'string') {
      if (secret) add(path, 'a number (a secret)', 987654321, 'expected a string, got a number');
      else add(path, 'a mapping', { a: 1 }, /expected (a string|one of)/);
      if (Array.isArray(schema.enum)) add(path, 'not one of the values', 'nonsense', 'expected one of');
    } else if (Array.isArray(type) && type.includes('number') && type.includes('string')) {
      // Durations and sizes: nonsense, negative, absurdly large.
      add(path, 'nonsense', 'forever');
      add(path, 'negative', -5);
      add(path, 'absurdly large', 1e308);
    } else if (Array.isArray(schema.anyOf) && /port/i.test(String(path.at(-1)))) {
      add(path, 'beyond 65535', 70_000, 'expected a port number');
      add(path, 'words', 'eighty', 'expected a port number');
    }
  };
  walk(configJsonSchema() as Json, baseConfig(), []);
  return cases;
}

/** Broken YAML and files that are not configs at all. */
function brokenFiles(): Case[] {
  const node = 'node: { id: edge-01, site: s }\n';
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
  for (let i = 1; i < 10; i++)
    bomb.push(
      `${'bcdefghij'[i - 1]}: &${'bcdefghij'[i - 1]} [${Array(9)
        .fill(`*${'abcdefghij'[i - 1]}`)
        .join(',')}]`,
    );
  let big = `${node}cameras:\n`;
  for (let i = 0; big.length < 10 * 1024 * 1024; i++)
    big += `  - { id: cam${i}, url: "rtsp://user:pw@10.0.${i % 250}.${i % 200}:554/stream" }\n`;
  let many = `${node}cameras:\n`;
  for (let i = 0; i < 65; i++) many += `  - { id: cam${i}, url: "rtsp://10.0.0.${i}/s" }\n`;
  return [
    { name: 'unclosed flow list', text: `${node}cameras: [\n`, path: '', expect: 'YAML line' },
    { name: 'tab indentation', text: `${node}api:\n\tport: 8080\n`, path: '', expect: 'YAML line' },
    {
      name: 'duplicate key',
      text: `${node}api: { port: 1 }\napi: { port: 2 }\n`,
      path: '',
      expect: 'YAML line',
    },
    { name: 'alias bomb', text: `${node}${bomb.join('\n')}\n`, path: '', expect: 'YAML' },
    { name: 'undefined alias', text: `${node}cameras: *nope\n`, path: '', expect: 'YAML' },
    {
      name: 'binary garbage',
      text: Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 73 + 11) % 256)).toString('latin1'),
      path: '',
    },
    { name: 'empty file', text: '', path: '', expect: 'expected a mapping' },
    { name: 'only a comment', text: '# nothing here\n', path: '', expect: 'expected a mapping' },
    { name: 'a scalar', text: 'hello\n', path: '', expect: 'expected a mapping' },
    { name: 'a list', text: '- a\n- b\n', path: '', expect: 'expected a mapping' },
    { name: 'two documents', text: `${node}---\n${node}`, path: '', expect: 'YAML' },
    { name: 'mapping in a plain scalar', text: `${node}api: port: 8080\n`, path: '', expect: 'YAML line' },
    { name: 'unterminated string', text: `${node}dataDir: "/var/lib\n`, path: '', expect: 'YAML line' },
    { name: 'NUL bytes', text: `${node}\u0000\u0000\u0000\n`, path: '', expect: 'YAML' },
    { name: 'a 10 MB file of cameras', text: big, path: '', expect: 'at most 1 MiB is read' },
    { name: '65 cameras', text: many, path: 'cameras', expect: 'at most 64 cameras a box, got 65' },
  ];
}

/** The hostile probe's findings, each with the exact line a technician must see. */
function probeFindings(): Case[] {
  const node = 'node: { id: edge-01, site: s }\n';
  const cam = (extra: string) => `${node}cameras:\n  - { id: c1, url: "rtsp://10.0.0.5/s", ${extra} }\n`;
  return [
    {
      name: 'influx.timeout: 30d (every write timed out after 1 ms)',
      text: `${node}influx: { timeout: 30d }\n`,
      path: 'influx.timeout',
      expect: 'influx.timeout: expected a duration from 100ms to 10m, got "30d"',
    },
    {
      name: 'influx.flushInterval: 30d (timer-overflow warnings)',
      text: `${node}influx: { flushInterval: 30d }\n`,
      path: 'influx.flushInterval',
      expect: 'influx.flushInterval: expected a duration from 10ms to 10m, got "30d"',
    },
    {
      name: 'countInterval: 1e308 (NaN cannot be converted to a BigInt)',
      text: cam('countInterval: 1e308'),
      path: 'cameras[0].countInterval',
      expect: 'cameras[0].countInterval: expected a duration from 1s to 1d, got 1e+308',
    },
    {
      name: 'stallTimeout: 0 (reconnected forever)',
      text: cam('stallTimeout: 0'),
      path: 'cameras[0].stallTimeout',
      expect: 'cameras[0].stallTimeout: expected a duration from 1s to 10m, got 0',
    },
    {
      name: 'a secret of the wrong type is not echoed',
      text: `${node}influx: { password: 987654321 }\n`,
      path: 'influx.password',
      expect: 'influx.password: expected a string, got a number (a secret: its value is not shown)',
    },
    {
      name: 'api.port equal to the broker port',
      text: `${node}api: { port: 1883 }\n`,
      path: 'mqtt.broker.port',
      expect: 'mqtt.broker.port: port 1883 is also api.port: two listeners cannot share a port',
    },
  ];
}

function check(c: Case): string[] {
  try {
    parseConfigText(c.text, '/etc/ioc-edge/broken.yaml', { env: {}, cwd: '/tmp' });
  } catch (err) {
    if (err instanceof ConfigError)
      return err.problems.map((p) => (p.path ? `${p.path}: ${p.message}` : p.message));
    throw err;
  }
  return [];
}

function says(text: string, expect: string | RegExp | undefined): boolean {
  return expect === undefined || (typeof expect === 'string' ? text.includes(expect) : expect.test(text));
}

function matches(c: Case, problems: string[]): boolean {
  return problems.some(
    (p) =>
      (c.path === '' ||
        p.startsWith(`${c.path}: `) ||
        p.startsWith(`${c.path}.`) ||
        p.startsWith(`${c.path}[`)) &&
      says(p, c.expect),
  );
}

const generated = generate();
const files = brokenFiles();
const findings = probeFindings();
const all = [...generated, ...files, ...findings];
const secretValues = [...Object.values(SECRETS), 'Cam-S3cret', 'Broker-S3cret', '987654321'];

describe('bad input: broken configs', () => {
  it('the base config is valid (every case breaks one thing)', () => {
    expect(check({ name: 'base', text: stringify(baseConfig()), path: '' })).toEqual([]);
  });

  it(`${generated.length} configs generated from the schema: each refused with its path, secrets never shown`, () => {
    expect(generated.length).toBeGreaterThanOrEqual(150);
    const wrong: string[] = [];
    for (const c of generated) {
      const problems = check(c);
      if (!matches(c, problems)) wrong.push(`${c.name}\n    got: ${problems.join(' | ') || 'accepted'}`);
      const shown = problems.join('\n');
      for (const s of secretValues) if (shown.includes(s)) wrong.push(`${c.name}: shows the secret ${s}`);
    }
    expect(wrong).toEqual([]);
  });

  it.each(files.map((c) => [c.name, c] as const))('broken file: %s', (_name, c) => {
    const problems = check(c);
    expect(matches(c, problems), problems.join('\n')).toBe(true);
  });

  it.each(findings.map((c) => [c.name, c] as const))('hostile probe: %s', (_name, c) => {
    const problems = check(c);
    expect(problems.join('\n')).toContain(c.expect as string);
    expect(problems.join('\n')).not.toContain('987654321');
  });

  it(`through the CLI: check-config of all ${all.length} files, then each kind alone: exit 1, path, no stack trace`, async () => {
    const caseDir = join(dir, 'cases');
    mkdirSync(caseDir);
    const paths = all.map((c, i) => {
      const file = join(caseDir, `case-${String(i).padStart(3, '0')}.yaml`);
      writeFileSync(file, c.text, c.name === 'binary garbage' ? 'latin1' : 'utf8');
      return file;
    });
    const missing = join(caseDir, 'missing.yaml');
    const batch = await runCli(['check-config', ...paths, caseDir, missing], { timeoutMs: 120_000 });
    expect(batch.code).toBe(1);
    expect(batch.stdout).toBe('');
    expect(batch.stderr).not.toMatch(/\n\s+at /);
    for (const s of secretValues) expect(batch.stderr).not.toContain(s);
    // One block per file: "<file>: N problem(s)" followed by its problems.
    const blocks = new Map<string, string>();
    for (const block of batch.stderr.split(/\n(?=\/)/)) blocks.set(block.slice(0, block.indexOf(':')), block);
    const wrong = all.flatMap((c, i) => {
      const block = blocks.get(paths[i]!);
      if (!block) return [`${c.name}: no report`];
      if (c.path && !block.includes(`  ${c.path}`)) return [`${c.name}: no problem at ${c.path}\n${block}`];
      return says(block, c.expect) ? [] : [`${c.name}: "${c.expect}" not in\n${block}`];
    });
    expect(wrong).toEqual([]);
    expect(blocks.get(caseDir)).toContain('cannot read config');
    expect(blocks.get(missing)).toContain('cannot read config: file not found');

    // Each kind of failure in a process of its own: exit 1 with the path, for check-config and run.
    const kinds = [...findings, files[0]!, files[3]!, files[14]!, generated[0]!];
    const results = await Promise.all(
      kinds.map((c) => runCli(['check-config', paths[all.indexOf(c)]!], { timeoutMs: 60_000 })),
    );
    results.forEach((r, i) => {
      expect(r.code, kinds[i]!.name).toBe(1);
      expect(r.stderr).toContain(kinds[i]!.path);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    });
  }, 180_000);

  it('run refuses a config whose API and broker share a port: exit 1 with both paths, not EADDRINUSE', async () => {
    const port = await freePort();
    const file = join(dir, 'same-port.yaml');
    writeFileSync(
      file,
      `node: { id: edge-01, site: s }\ndataDir: ${dir}/data\napi: { port: ${port} }\nmqtt: { broker: { port: ${port} } }\n`,
    );
    const r = await runCli(['run', '--config', file], { timeoutMs: 60_000 });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `mqtt.broker.port: port ${port} is also api.port: two listeners cannot share a port`,
    );
    expect(r.stderr + r.stdout).not.toContain('EADDRINUSE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
