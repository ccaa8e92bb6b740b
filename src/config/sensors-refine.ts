import type { z } from 'zod';

/** The parts of a (possibly partially valid) config the sensor checks read. */
interface SensorsView {
  sensors?: {
    devices?: unknown;
  };
  mqtt?: { broker?: { users?: unknown } };
}

interface DeviceView {
  id?: string;
  topic?: string;
  key?: string;
  idLevel?: number;
  interval?: number;
  decoder?: { type?: string; fields?: Record<string, unknown> };
  metrics?: Record<string, { min?: number; max?: number }>;
  rules?: { metric?: string; raise?: number; offline?: number }[];
}

/** Topic filter syntax (MQTT 4.7): `+` and `#` fill whole levels, `#` only last. */
function topicProblem(topic: string): string | undefined {
  const levels = topic.split('/');
  for (let i = 0; i < levels.length; i++) {
    const l = levels[i]!;
    if (l.includes('#') && (l !== '#' || i !== levels.length - 1))
      return '"#" must be a whole level and the last one';
    if (l.includes('+') && l !== '+') return '"+" must be a whole level';
  }
  if (topic.startsWith('$')) return 'topics starting with "$" are reserved for the broker';
  return undefined;
}

/** Cross-field checks of `sensors` and `mqtt.broker`, each reported at its path. */
export function checkSensors(cfg: SensorsView, ctx: z.RefinementCtx): void {
  const devices = (Array.isArray(cfg.sensors?.devices) ? cfg.sensors.devices : []) as DeviceView[];
  const ids = new Set<string>();
  const routes = new Map<string, number>();
  devices.forEach((d, i) => {
    if (!d || typeof d !== 'object') return;
    const at = (...rest: (string | number)[]) => ['sensors', 'devices', i, ...rest];
    if (typeof d.id === 'string') ids.add(d.id);
    if (typeof d.topic === 'string') {
      const problem = topicProblem(d.topic);
      if (problem) ctx.addIssue({ code: 'custom', path: at('topic'), message: problem });
      const levels = d.topic.split('/');
      const plus = levels.flatMap((l, j) => (l === '+' ? [j] : []));
      if (!problem && levels.includes('#'))
        ctx.addIssue({
          code: 'custom',
          path: at('topic'),
          message: 'a device topic cannot end in "#" (use "+" levels; the device is found at one of them)',
        });
      if (d.idLevel !== undefined && levels[d.idLevel] !== '+')
        ctx.addIssue({
          code: 'custom',
          path: at('idLevel'),
          message: `level ${d.idLevel} of "${d.topic}" is not a "+" level`,
        });
      if (plus.length === 0 && (d.key !== undefined || d.idLevel !== undefined))
        ctx.addIssue({
          code: 'custom',
          path: at(d.key !== undefined ? 'key' : 'idLevel'),
          message: 'only a topic with a "+" level identifies devices by key',
        });
      const route = plus.length === 0 ? d.topic : `${d.topic}#${d.idLevel ?? plus.at(-1)}=${d.key ?? d.id}`;
      const first = routes.get(route);
      if (first !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: at('topic'),
          message: `devices ${first} and ${i} would both receive the messages of "${d.topic}"${plus.length ? ` with key "${d.key ?? d.id}"` : ''}`,
        });
      else routes.set(route, i);
    }
    for (const [metric, spec] of Object.entries(d.metrics ?? {})) {
      if (spec && typeof spec.min === 'number' && typeof spec.max === 'number' && spec.min >= spec.max)
        ctx.addIssue({
          code: 'custom',
          path: at('metrics', metric),
          message: `min ${spec.min} must be below max ${spec.max}`,
        });
    }
    const mapped = d.decoder?.fields ? Object.keys(d.decoder.fields) : undefined;
    const single =
      d.decoder?.type === 'number' ? [(d.decoder as { metric?: string }).metric ?? 'value'] : undefined;
    const known = mapped ?? single;
    (Array.isArray(d.rules) ? d.rules : []).forEach((r, j) => {
      if (!r || typeof r !== 'object') return;
      if (typeof r.offline === 'number' && d.interval === undefined)
        ctx.addIssue({
          code: 'custom',
          path: at('rules', j, 'offline'),
          message: 'the offline rule needs the device interval (e.g. interval: 60s)',
        });
      if (typeof r.metric === 'string' && known && !known.includes(r.metric))
        ctx.addIssue({
          code: 'custom',
          path: at('rules', j, 'metric'),
          message: `the device has no metric "${r.metric}" (its decoder gives ${known.join(', ')})`,
        });
    });
  });
  const users = Array.isArray(cfg.mqtt?.broker?.users) ? (cfg.mqtt.broker.users as unknown[]) : [];
  const names = new Set<string>();
  users.forEach((u, i) => {
    const user = u as { username?: string; devices?: unknown };
    if (typeof user?.username === 'string') {
      if (names.has(user.username))
        ctx.addIssue({
          code: 'custom',
          path: ['mqtt', 'broker', 'users', i, 'username'],
          message: `duplicate user "${user.username}"`,
        });
      names.add(user.username);
    }
    if (Array.isArray(user?.devices))
      user.devices.forEach((id, j) => {
        if (typeof id === 'string' && !ids.has(id))
          ctx.addIssue({
            code: 'custom',
            path: ['mqtt', 'broker', 'users', i, 'devices', j],
            message: `no sensor device "${id}" in sensors.devices`,
          });
      });
  });
}
