import { randomBytes } from 'node:crypto';
import type { FastifyPluginAsync, FastifyReply } from 'fastify';
import { sendOutcome } from '../api/errors.js';
import { type ConfigEditor, cameraIndex, valueIn } from '../config/config-document.js';
import { type EnvProblem, substituteEnv } from '../config/env.js';
import { formatPath } from '../config/errors.js';
import { requestJsonSchema } from '../config/json-schema.js';
import { cameraSchema } from '../config/schema.js';
import { unmaskConfig } from '../config/secret-mask.js';
import { redactUrl } from '../log/redact.js';
import { cameraInputs } from './camera-inputs.js';
import type { CameraManager } from './camera-manager.js';
import { LiveViewError } from './live-relay.js';
import { describeFailure, type ProbeResult, probeCamera } from './probe.js';
import { takeSnapshot } from './snapshot.js';
import { drawOverlay, type SnapshotOverlay } from './snapshot-overlay.js';

export interface CameraRoutesOptions {
  /** The cameras of the gateway running now (undefined while it restarts). */
  cameras: () => CameraManager | undefined;
  config: ConfigEditor;
  /** What to draw over a camera's snapshot: its latest boxes, lines and zones. */
  overlay: (cameraId: string) => SnapshotOverlay | undefined;
  /** How a new or moved camera is checked before it is saved (default: connect and wait for a frame). */
  probe?: (url: string, transport: 'tcp' | 'udp') => Promise<ProbeResult>;
  /** A live-view ticket is good for this long, once (default 30 s). */
  ticketTtlMs?: number;
}

type CameraBody = Record<string, unknown> & {
  id?: string;
  url?: string;
  inputs?: { url?: string; transport?: 'tcp' | 'udp' }[];
  transport?: 'tcp' | 'udp';
  enabled?: boolean;
};
type IdParams = { id: string };

/**
 * Camera routes for technicians: the list with state and fps, add/update/remove (validated, the camera
 * probed before it is saved, then applied like any config change, with rollback), snapshots with the
 * latest boxes, lines and zones, and live view through the API's own port (a one-time ticket, since a
 * browser cannot send the bearer token on a WebSocket).
 */
export const cameraRoutes: FastifyPluginAsync<CameraRoutesOptions> = async (app, opts) => {
  const probe = opts.probe ?? ((url, transport) => probeCamera(url, { timeoutMs: 10_000, transport }));
  const tickets = new Map<string, { cameraId: string; expires: number }>();
  const body = requestJsonSchema(cameraSchema);

  const configured = (id: string) => opts.config.current().cameras.find((c) => c.id === id);
  const noCamera = (reply: FastifyReply, id: string) => reply.code(404).send({ error: `no camera "${id}"` });

  app.get('/api/cameras', async () => {
    const cameras = opts.cameras();
    const health = cameras?.health() ?? {};
    return opts.config.current().cameras.map((c) => {
      const h = health[c.id];
      return {
        id: c.id,
        name: c.name,
        enabled: c.enabled,
        url: redactUrl(cameraInputs(c).detect.url),
        inputs: c.inputs?.map((i) => ({ ...i, url: redactUrl(i.url) })),
        transport: c.transport,
        detect: {
          enabled: c.detect.enabled,
          fps: c.detect.fps,
          // Where detection looks closer than the whole picture now (the snapshot draws them).
          regions: (cameras?.detectRegions(c.id) ?? []).map((t) => ({
            rect: t.rect,
            width: t.width,
            height: t.height,
          })),
        },
        lines: c.lines.length,
        zones: c.zones.length,
        state: h?.state ?? (c.enabled ? 'starting' : 'disabled'),
        since: h?.since,
        reason: h?.reason,
        fps: h
          ? { input: h.inputFps, frame: h.frameFps, processed: h.processedFps, detect: h.detectFps }
          : undefined,
        lastFrameAgeMs: h?.lastFrameAgeMs,
        stream: h?.stream,
        reconnects: h?.reconnects,
        liveViewers: h?.liveViewers ?? 0,
      };
    });
  });

  /** Probes each stream of a camera body (`${VAR}` taken from the environment); true when one failed (answered). */
  const probeFails = async (cam: CameraBody, reply: FastifyReply): Promise<boolean> => {
    const problems: EnvProblem[] = [];
    const streams = cam.inputs
      ? cam.inputs.map((i, k) => ({ url: i.url, transport: i.transport, path: ['body', 'inputs', k, 'url'] }))
      : [{ url: cam.url, transport: undefined, path: ['body', 'url'] }];
    const urls = streams.map((st) => substituteEnv(st.url, process.env, problems, st.path) as string);
    if (problems.length > 0) {
      void reply.code(422).send({
        error: 'camera refused',
        problems: problems.map((p) => ({ path: formatPath(p.path), message: p.message })),
      });
      return true;
    }
    for (let k = 0; k < urls.length; k++) {
      if (typeof urls[k] !== 'string') continue; // the schema check names it
      const r = await probe(urls[k]!, streams[k]!.transport ?? cam.transport ?? 'tcp');
      if (r.ok) continue;
      // (A reply is thenable: never return it from here, or awaiting this would wait for the send.)
      void reply.code(422).send({
        error: `camera probe failed: ${describeFailure(r.reason, 10)}`,
        reason: r.reason,
        input: cam.inputs ? k : undefined,
        detail: r.detail ? redactUrl(r.detail) : undefined,
      });
      return true;
    }
    return false;
  };

  app.post<{ Body: CameraBody }>('/api/cameras', { schema: { body } }, async (req, reply) => {
    const cam = req.body;
    if (cam.id && configured(cam.id))
      return reply.code(409).send({ error: `camera "${cam.id}" already exists` });
    if (cam.enabled !== false && (await probeFails(cam, reply))) return reply;
    const outcome = await opts.config.edit([{ path: ['cameras'], op: 'append', value: cam }], 'api');
    return sendOutcome(reply, outcome, { camera: cam.id }, 201);
  });

  app.put<{ Params: IdParams; Body: CameraBody }>(
    '/api/cameras/:id',
    { schema: { body } },
    async (req, reply) => {
      const { id } = req.params;
      const was = configured(id);
      const at = cameraIndex(opts.config.text(), id);
      if (!was || at < 0) return noCamera(reply, id);
      // A URL shown masked (rtsp://user:***@...) and sent back keeps the password written in the file.
      const cam = unmaskConfig(
        { ...req.body, id },
        valueIn(opts.config.text(), ['cameras', at]),
      ) as CameraBody;
      if (req.body.id !== undefined && req.body.id !== id)
        return reply
          .code(400)
          .send({ error: 'invalid body', problems: [{ path: 'body.id', message: `must be "${id}"` }] });
      const moved =
        cam.url !== valueIn(opts.config.text(), ['cameras', at, 'url']) ||
        JSON.stringify(cam.inputs) !==
          JSON.stringify(valueIn(opts.config.text(), ['cameras', at, 'inputs'])) ||
        (cam.transport ?? 'tcp') !== was.transport;
      if (cam.enabled !== false && moved && (await probeFails(cam, reply))) return reply;
      const outcome = await opts.config.edit([{ path: ['cameras', at], value: cam }], 'api');
      return sendOutcome(reply, outcome, { camera: id });
    },
  );

  app.delete<{ Params: IdParams }>('/api/cameras/:id', async (req, reply) => {
    const at = cameraIndex(opts.config.text(), req.params.id);
    if (at < 0) return noCamera(reply, req.params.id);
    const outcome = await opts.config.edit([{ path: ['cameras', at], op: 'delete' }], 'api');
    return sendOutcome(reply, outcome, { camera: req.params.id });
  });

  // ?full=1: a full-resolution still of the main stream (grabbed now); default: the detector's frame, on
  // which the overlay's boxes line up.
  app.get<{ Params: IdParams; Querystring: { overlay?: string; full?: string } }>(
    '/api/cameras/:id/snapshot.jpg',
    async (req, reply) => {
      const { id } = req.params;
      if (!configured(id)) return noCamera(reply, id);
      const cam = opts.cameras()?.get(id);
      const snap = cam ? await takeSnapshot(cam, { full: req.query.full === '1' }) : undefined;
      if (!snap) return reply.code(503).send({ error: `camera "${id}" has no picture yet` });
      const overlay = req.query.overlay === '0' ? undefined : opts.overlay(id);
      const jpeg = overlay ? await drawOverlay(snap.jpeg, overlay) : snap.jpeg;
      return reply
        .type('image/jpeg')
        .header('cache-control', 'no-store')
        .header('x-captured-at', new Date(snap.wallMs).toISOString())
        .send(jpeg);
    },
  );

  app.post<{ Params: IdParams }>('/api/cameras/:id/live', async (req, reply) => {
    const { id } = req.params;
    const manager = opts.cameras();
    if (!configured(id)) return noCamera(reply, id);
    if (!manager?.get(id))
      return reply.code(409).send({ error: `camera "${id}" is not running (disabled?)` });
    try {
      const relay = await manager.liveView(id);
      const ticket = randomBytes(18).toString('base64url');
      const now = Date.now();
      for (const [t, v] of tickets) if (v.expires < now) tickets.delete(t);
      tickets.set(ticket, { cameraId: id, expires: now + (opts.ticketTtlMs ?? 30_000) });
      return {
        url: `/api/cameras/${encodeURIComponent(id)}/live.ws?ticket=${ticket}`,
        width: relay.opts.width,
        height: relay.opts.height,
        viewers: relay.viewers.size,
      };
    } catch (err) {
      if (!(err instanceof LiveViewError)) throw err;
      const timeout = err.reason === 'timeout';
      return reply.code(timeout ? 504 : 502).send({
        error: `camera "${id}" gives no live view: ${describeFailure(err.reason)}`,
        reason: err.reason,
        detail: err.detail ? redactUrl(err.detail) : undefined,
      });
    }
  });

  app.get<{ Params: IdParams; Querystring: { ticket?: string } }>(
    '/api/cameras/:id/live.ws',
    {
      websocket: true,
      // The bearer token cannot ride on a browser WebSocket: a one-time ticket from POST .../live stands in.
      config: { public: true },
      preValidation: async (req, reply) => {
        const t = req.query.ticket ? tickets.get(req.query.ticket) : undefined;
        if (t) tickets.delete(req.query.ticket!);
        if (!t || t.cameraId !== req.params.id || t.expires < Date.now())
          return reply.code(401).send({ error: 'live view ticket missing, used or expired (POST .../live)' });
      },
    },
    (socket, req) => {
      const relay = opts.cameras()?.relay(req.params.id);
      if (!relay?.running) socket.close(1011, 'live view stopped');
      else relay.attach(socket);
    },
  );
};
