import type { FastifyPluginAsync } from 'fastify';
import type { SensorService } from './service.js';

export interface SensorRoutesOptions {
  /** The sensor path of the gateway running now (undefined: no sensors configured on this box). */
  sensors: () => SensorService | undefined;
}

/** `GET /api/sensors`: each configured device with its last reading time, last values and recent history. */
export const sensorRoutes: FastifyPluginAsync<SensorRoutesOptions> = async (app, opts) => {
  app.get('/api/sensors', async (_req, reply) => {
    const s = opts.sensors();
    if (!s) return reply.code(404).send({ error: 'no sensors are configured on this box (sensors.devices)' });
    return s.registry.devices.map((d) => ({
      id: d.id,
      type: d.type,
      topic: d.cfg.topic,
      lastSeen: d.lastSeenMs ? new Date(d.lastSeenMs).toISOString() : null,
      values: s.recent.values(d),
      history: s.recent.history(d),
    }));
  });
};
