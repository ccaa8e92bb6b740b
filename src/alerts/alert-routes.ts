import type { FastifyPluginAsync } from 'fastify';
import type { AlertMessage } from './alert.js';
import type { AlertsService } from './service.js';

export interface AlertRoutesOptions {
  /** The alerts of the gateway running now. */
  alerts: () => AlertsService | undefined;
}

/** The console's view of an alert (docs/api.md), from its latest message. */
function view(m: AlertMessage, hasPicture: boolean) {
  return {
    id: m.id,
    type: m.type,
    severity: m.severity,
    title: m.title,
    source: m.zone ? `${m.source.id}/${m.zone}` : m.source.id,
    sourceKind: m.source.kind,
    detail: m.detail ?? null,
    count: m.count,
    startedAt: m.startedAt,
    updatedAt: m.updatedAt,
    endedAt: m.endedAt ?? null,
    acknowledgedAt: m.acknowledged?.at ?? null,
    evidence: hasPicture ? `/api/alerts/${encodeURIComponent(m.id)}/evidence.jpg` : null,
  };
}

/**
 * The alerts open now and those raised lately (newest first) with their evidence pictures, and
 * acknowledging one from the console (the IOC is told through the same update message as a remote ack).
 */
export const alertRoutes: FastifyPluginAsync<AlertRoutesOptions> = async (app, opts) => {
  const running = () => opts.alerts();

  app.get('/api/alerts', async (_req, reply) => {
    const a = running();
    if (!a) return reply.code(503).send({ error: 'the gateway is starting' });
    const pictured = (id: string) => a.recent.evidence(id) !== undefined;
    const open = a.manager.list().map((m) => view(a.recent.get(m.id) ?? m, pictured(m.id)));
    open.sort((x, y) => (x.startedAt < y.startedAt ? 1 : -1));
    const openIds = new Set(open.map((o) => o.id));
    const recent = a.recent
      .list()
      .filter((m) => !openIds.has(m.id))
      .map((m) => view(m, pictured(m.id)));
    return { open, recent };
  });

  app.post<{ Params: { id: string } }>('/api/alerts/:id/ack', async (req, reply) => {
    const a = running();
    if (!a) return reply.code(503).send({ error: 'the gateway is starting' });
    const msg = a.manager.acknowledge(req.params.id, 'console');
    if (!msg) return reply.code(404).send({ error: `no open alert "${req.params.id}"` });
    return view(msg, a.recent.evidence(msg.id) !== undefined);
  });

  app.get<{ Params: { id: string } }>('/api/alerts/:id/evidence.jpg', async (req, reply) => {
    const jpeg = running()?.recent.evidence(req.params.id);
    if (!jpeg) return reply.code(404).send({ error: `no picture for alert "${req.params.id}"` });
    return reply.type('image/jpeg').header('cache-control', 'no-store').send(jpeg);
  });
};
