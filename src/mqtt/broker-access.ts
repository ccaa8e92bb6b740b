import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { MqttBrokerConfig, SensorsConfig } from '../config/schema.js';
import { topicMatches } from './topic-filter.js';

/** What a connected client may do: the gateway anything; a sensor publish under its devices' topics. */
export interface Access {
  role: 'gateway' | 'sensor';
  user: string;
  /** Topic filters a sensor may publish to. */
  publish: readonly string[];
}

/**
 * The embedded broker's door: who may connect (users from config, the gateway's own generated
 * credential, anonymous clients per `anonymous`) and what each may publish or subscribe to.
 * Sensors publish only under the topics of their devices (a pattern's `+` id level filled with the
 * device's key); everything else (the uplink's command topics, dead letters, $SYS) is gateway-only.
 */
export class BrokerAccess {
  /** Generated at every start; handed to the gateway's own clients, never written anywhere. */
  readonly gateway = { username: 'ioc-edge-gateway', password: randomBytes(24).toString('base64url') };
  private readonly users = new Map<string, { password: Buffer; access: Access }>();
  private readonly anonymous: Access;

  constructor(
    private readonly cfg: Pick<MqttBrokerConfig, 'users' | 'anonymous'>,
    sensors: Pick<SensorsConfig, 'devices' | 'subscribe'>,
  ) {
    const topicsOf = (ids?: readonly string[]) => [
      ...new Set(sensors.devices.filter((d) => !ids || ids.includes(d.id)).map(deviceTopic)),
    ];
    const allSensorTopics = [...topicsOf(), ...sensors.subscribe];
    this.users.set(this.gateway.username, {
      password: Buffer.from(this.gateway.password),
      access: { role: 'gateway', user: this.gateway.username, publish: [] },
    });
    for (const u of cfg.users) {
      this.users.set(u.username, {
        password: Buffer.from(u.password),
        access: {
          role: u.role,
          user: u.username,
          publish: u.role === 'gateway' ? [] : u.devices ? topicsOf(u.devices) : allSensorTopics,
        },
      });
    }
    this.anonymous = { role: 'sensor', user: '(anonymous)', publish: allSensorTopics };
  }

  /** The client's access, or a reason for refusing it. */
  authenticate(
    username: string | undefined,
    password: Buffer | undefined,
    remoteAddress: string | undefined,
  ): Access | string {
    if (username === undefined || username === '') {
      if (this.cfg.anonymous === 'none') return 'anonymous clients are not allowed';
      if (this.cfg.anonymous === 'loopback' && !isLoopback(remoteAddress))
        return `anonymous clients are allowed from loopback only, not ${remoteAddress}`;
      return this.anonymous;
    }
    const u = this.users.get(username);
    const given = password ?? Buffer.alloc(0);
    if (!u || u.password.length !== given.length || !timingSafeEqual(u.password, given))
      return `bad username or password for "${username}"`;
    return u.access;
  }

  mayPublish(access: Access, topic: string): boolean {
    if (access.role === 'gateway') return true;
    if (topic.startsWith('$')) return false;
    for (const f of access.publish) if (topicMatches(f, topic)) return true;
    return false;
  }

  maySubscribe(access: Access): boolean {
    return access.role === 'gateway';
  }
}

/** A device's own topic: its pattern with the device's key at the id level. */
export function deviceTopic(d: SensorsConfig['devices'][number]): string {
  const levels = d.topic.split('/');
  if (!levels.includes('+')) return d.topic;
  const at = d.idLevel ?? levels.lastIndexOf('+');
  levels[at] = d.key ?? d.id;
  return levels.join('/');
}

function isLoopback(addr: string | undefined): boolean {
  if (!addr) return false;
  return addr === '::1' || addr.startsWith('127.') || addr.startsWith('::ffff:127.');
}
