import type { FastifyPluginAsync } from 'fastify';
import { z } from 'zod';
import { sendOutcome } from '../api/errors.js';
import { type ConfigEditor, cameraIndex } from '../config/config-document.js';
import { requestJsonSchema } from '../config/json-schema.js';
import { lineSchema, zoneSchema } from '../config/schema.js';
import type { CountHistory } from './count-history.js';
import type { LineSize } from './line-sizes.js';

export interface AnalyticsRoutesOptions {
  config: ConfigEditor;
  counts: CountHistory;
  /** How tall two-wheelers are at each line of a camera (undefined: the camera does not detect now). */
  lineSizes?: (cameraId: string) => readonly LineSize[] | undefined;
}

type IdParams = { id: string };

/**
 * Counting lines and zones of each camera (read, and replaced as a whole by the console's editor through
 * the config apply path) and the recent count intervals per line, direction and class, with how tall
 * two-wheelers are at the line (`size`: a line drawn where they are too small to be counted well is
 * `small`; null while the camera does not detect).
 */
export const analyticsRoutes: FastifyPluginAsync<AnalyticsRoutesOptions> = async (app, opts) => {
  const camera = (id: string) => opts.config.current().cameras.find((c) => c.id === id);

  for (const kind of ['lines', 'zones'] as const) {
    const item = kind === 'lines' ? lineSchema : zoneSchema;
    const body = requestJsonSchema(z.array(item).max(32));

    app.get<{ Params: IdParams }>(`/api/cameras/:id/${kind}`, async (req, reply) => {
      const cam = camera(req.params.id);
      if (!cam) return reply.code(404).send({ error: `no camera "${req.params.id}"` });
      return cam[kind];
    });

    app.put<{ Params: IdParams; Body: unknown[] }>(
      `/api/cameras/:id/${kind}`,
      { schema: { body } },
      async (req, reply) => {
        const at = cameraIndex(opts.config.text(), req.params.id);
        if (at < 0) return reply.code(404).send({ error: `no camera "${req.params.id}"` });
        const change =
          req.body.length > 0
            ? { path: ['cameras', at, kind], value: req.body }
            : { path: ['cameras', at, kind], op: 'delete' as const };
        const outcome = await opts.config.edit([change], 'api');
        return sendOutcome(reply, outcome, { camera: req.params.id, [kind]: req.body.length });
      },
    );
  }

  app.get<{ Querystring: { camera?: string; line?: string; minutes?: string } }>(
    '/api/counts',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            camera: { type: 'string' },
            line: { type: 'string' },
            minutes: { type: 'string', pattern: '^[0-9]{1,5}$' },
          },
        },
      },
    },
    async (req) => {
      const since = req.query.minutes ? Date.now() - Number(req.query.minutes) * 60_000 : 0;
      const out: {
        camera: string;
        line: string;
        directions: readonly string[];
        intervals: unknown[];
        size: LineSize | null;
      }[] = [];
      for (const cam of opts.config.current().cameras) {
        if (req.query.camera && cam.id !== req.query.camera) continue;
        const sizes = opts.lineSizes?.(cam.id);
        for (const line of cam.lines) {
          if (req.query.line && line.id !== req.query.line) continue;
          out.push({
            camera: cam.id,
            line: line.id,
            directions: line.directions,
            intervals: opts.counts.line(cam.id, line.id, since),
            size: sizes?.find((s) => s.line === line.id) ?? null,
          });
        }
      }
      return out;
    },
  );
};
