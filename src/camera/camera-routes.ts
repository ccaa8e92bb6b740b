import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { CameraManager } from './camera-manager.js';

/**
 * HTTP routes for technicians: camera health, a JPEG snapshot, and starting a live view (which needs
 * the API token when one is configured).
 */
export function registerCameraRoutes(app: FastifyInstance, cameras: CameraManager, token?: string): void {
  const authorised = (req: FastifyRequest, reply: FastifyReply): boolean => {
    if (!token) return true;
    if (req.headers.authorization === `Bearer ${token}`) return true;
    void reply.code(401).send({ error: 'bearer token required' });
    return false;
  };
  const camera = (req: FastifyRequest, reply: FastifyReply) => {
    const id = (req.params as { id: string }).id;
    if (!cameras.get(id)) {
      void reply.code(404).send({ error: `no camera "${id}"` });
      return undefined;
    }
    return id;
  };

  app.get('/api/cameras', async () => cameras.health());

  app.get('/api/cameras/:id/snapshot.jpg', async (req, reply) => {
    const id = camera(req, reply);
    if (!id) return reply;
    const snap = await cameras.snapshot(id);
    if (!snap) return reply.code(503).send({ error: `camera "${id}" has no frame yet` });
    return reply.type('image/jpeg').header('cache-control', 'no-store').send(snap.jpeg);
  });

  app.post('/api/cameras/:id/live', async (req, reply) => {
    if (!authorised(req, reply)) return reply;
    const id = camera(req, reply);
    if (!id) return reply;
    try {
      return await cameras.liveView(id);
    } catch (err) {
      return reply.code(409).send({ error: (err as Error).message });
    }
  });
}
