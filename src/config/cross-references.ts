import type { z } from 'zod';
import type { CameraConfig, Config } from './schema.js';
import { checkSensors } from './sensors-refine.js';

export type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Checks across fields and sections (unique ids, camera inputs, TLS, listeners, influx), each at its path. */
export function checkCrossReferences(cfg: DeepPartial<Config>, ctx: z.RefinementCtx) {
  const cameras = Array.isArray(cfg.cameras) ? cfg.cameras : [];
  uniqueIds(
    cameras.map((c) => c?.id),
    ['cameras'],
    'camera',
    ctx,
  );
  cameras.forEach((cam, i) => {
    checkCameraInputs(cam, ['cameras', i], ctx);
    const lines = Array.isArray(cam?.lines) ? cam.lines : [];
    const zones = Array.isArray(cam?.zones) ? cam.zones : [];
    uniqueIds(
      lines.map((l) => l?.id),
      ['cameras', i, 'lines'],
      'line',
      ctx,
    );
    uniqueIds(
      zones.map((z) => z?.id),
      ['cameras', i, 'zones'],
      'zone',
      ctx,
    );
    lines.forEach((line, j) => {
      const [a, b] = Array.isArray(line?.points) ? line.points : [];
      if (Array.isArray(a) && Array.isArray(b) && a[0] === b[0] && a[1] === b[1]) {
        ctx.addIssue({
          code: 'custom',
          path: ['cameras', i, 'lines', j, 'points'],
          message: 'the two points are the same; a line needs two different points',
        });
      }
      const dirs = line?.directions;
      if (Array.isArray(dirs) && dirs.length === 2 && dirs[0] === dirs[1]) {
        ctx.addIssue({
          code: 'custom',
          path: ['cameras', i, 'lines', j, 'directions'],
          message: 'the two direction names must differ',
        });
      }
    });
  });
  const devices = Array.isArray(cfg.sensors?.devices) ? cfg.sensors.devices : [];
  uniqueIds(
    devices.map((d) => d?.id),
    ['sensors', 'devices'],
    'sensor',
    ctx,
  );
  const up = cfg.uplink?.mqtt;
  if (up?.tls) {
    if (up.tls.cert && !up.tls.key)
      ctx.addIssue({
        code: 'custom',
        path: ['uplink', 'mqtt', 'tls', 'key'],
        message: 'required with tls.cert',
      });
    if (up.tls.key && !up.tls.cert)
      ctx.addIssue({
        code: 'custom',
        path: ['uplink', 'mqtt', 'tls', 'cert'],
        message: 'required with tls.key',
      });
    if (typeof up.url === 'string' && !/^(mqtts|wss):/.test(up.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['uplink', 'mqtt', 'tls'],
        message: 'TLS settings need an mqtts:// or wss:// url',
      });
    }
  }
  checkSensors(cfg, ctx);
  checkListeners(cfg, ctx);
  const influx = cfg.influx;
  if (influx?.url && influx.api === 'v1' && !influx.database) {
    ctx.addIssue({ code: 'custom', path: ['influx', 'database'], message: 'required when influx.api is v1' });
  }
  if (influx?.url && influx.api === 'v2') {
    for (const key of ['org', 'bucket', 'token'] as const) {
      if (!influx[key]) {
        ctx.addIssue({ code: 'custom', path: ['influx', key], message: 'required when influx.api is v2' });
      }
    }
  }
}

/** A camera has `url` or `inputs` (not both), and its inputs give each role to exactly one input. */
function checkCameraInputs(
  cam: DeepPartial<CameraConfig> | undefined,
  path: (string | number)[],
  ctx: z.RefinementCtx,
) {
  if (!cam || typeof cam !== 'object') return;
  const inputs = Array.isArray(cam.inputs) ? cam.inputs : undefined;
  if (cam.url !== undefined && cam.inputs !== undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'inputs'],
      message: 'give either url (one stream for everything) or inputs with roles, not both',
    });
    return;
  }
  if (cam.url === undefined && cam.inputs === undefined) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'url'],
      message: 'required (string): the camera stream URL, or inputs with roles',
    });
    return;
  }
  if (!inputs) return;
  const holder = new Map<string, number>();
  const urls = new Map<string, number>();
  inputs.forEach((input, k) => {
    for (const role of Array.isArray(input?.roles) ? input.roles : []) {
      if (typeof role !== 'string') continue;
      const first = holder.get(role);
      if (first !== undefined && first !== k) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'inputs', k, 'roles'],
          message: `role ${role} is also on input ${first}: each role belongs to one input`,
        });
      } else holder.set(role, k);
    }
    if (typeof input?.url === 'string') {
      const same = urls.get(input.url);
      if (same !== undefined) {
        ctx.addIssue({
          code: 'custom',
          path: [...path, 'inputs', k, 'url'],
          message: `the same URL as input ${same}: give that input both roles instead`,
        });
      } else urls.set(input.url, k);
    }
  });
  if (!holder.has('detect')) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'inputs'],
      message: 'no input has the detect role (the stream the camera is watched through)',
    });
  }
  if (cam.clips?.enabled === true && !holder.has('record')) {
    ctx.addIssue({
      code: 'custom',
      path: [...path, 'clips', 'enabled'],
      message: 'clips need an input with the record role (cameras[].inputs)',
    });
  }
}

/**
 * The gateway's own listeners (the API and the embedded broker) each need their port: refused here, with
 * both paths, rather than by EADDRINUSE at start. Port 0 (the kernel picks) never clashes.
 */
function checkListeners(cfg: DeepPartial<Config>, ctx: z.RefinementCtx) {
  const listeners: { path: string[]; host?: string; port?: number }[] = [];
  if (cfg.api?.enabled !== false)
    listeners.push({ path: ['api', 'port'], host: cfg.api?.host, port: cfg.api?.port });
  if (cfg.mqtt?.broker?.embedded !== false)
    listeners.push({
      path: ['mqtt', 'broker', 'port'],
      host: cfg.mqtt?.broker?.host,
      port: cfg.mqtt?.broker?.port,
    });
  const wildcard = (h?: string) => h === undefined || h === '' || h === '0.0.0.0' || h === '::';
  for (let i = 0; i < listeners.length; i++)
    for (let j = 0; j < i; j++) {
      const [a, b] = [listeners[j]!, listeners[i]!];
      if (typeof a.port !== 'number' || a.port === 0 || a.port !== b.port) continue;
      if (a.host !== b.host && !wildcard(a.host) && !wildcard(b.host)) continue;
      ctx.addIssue({
        code: 'custom',
        path: b.path,
        message: `port ${b.port} is also ${a.path.join('.')}: two listeners cannot share a port`,
      });
    }
}

function uniqueIds(
  ids: (string | undefined)[],
  path: (string | number)[],
  what: string,
  ctx: z.RefinementCtx,
) {
  const seen = new Map<string, number>();
  ids.forEach((id, i) => {
    if (typeof id !== 'string') return;
    const first = seen.get(id);
    if (first !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [...path, i, 'id'],
        message: `duplicate ${what} id "${id}" (also at index ${first})`,
      });
    } else {
      seen.set(id, i);
    }
  });
}
