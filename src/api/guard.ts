import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface GuardOptions {
  /** Bearer token for every route not marked public; none: every request passes (loopback only). */
  token?: string;
  /** Host names, besides IP addresses, localhost and this machine's name, that requests may be sent to. */
  hostnames?: readonly string[];
}

/** Route option: `{ config: { public: true } }` skips the bearer token (health probes, console files). */
export interface RouteAccess {
  public?: boolean;
}

/**
 * Every request, before routing: the Host header must name this box (a page on another site that made
 * its host name resolve to 127.0.0.1, DNS rebinding, is refused), a browser request from another origin
 * is refused (no page elsewhere can drive the API, or its live view, through the technician's browser),
 * and the bearer token is checked in constant time.
 */
export function installGuard(app: FastifyInstance, opts: GuardOptions): void {
  const names = new Set(
    ['localhost', hostname(), `${hostname()}.local`, ...(opts.hostnames ?? [])].map((n) => n.toLowerCase()),
  );
  const expected = opts.token ? digest(opts.token) : undefined;

  app.addHook('onRequest', async (req: FastifyRequest, reply: FastifyReply) => {
    const host = req.headers.host;
    const name = host ? hostOf(host) : undefined;
    if (!name || !(isIP(name) || names.has(name))) {
      return reply.code(421).send({
        error: `this API does not answer to host "${host ?? ''}" (add it to api.hostnames)`,
      });
    }
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null' && !sameHost(origin, host!)) {
      return reply.code(403).send({ error: `cross-origin request from ${origin} refused` });
    }
    if (!expected || (req.routeOptions.config as RouteAccess | undefined)?.public) return;
    const auth = req.headers.authorization;
    const given = auth?.startsWith('Bearer ') ? auth.slice(7).trim() : undefined;
    if (given && timingSafeEqual(digest(given), expected)) return;
    return reply
      .code(401)
      .header('www-authenticate', 'Bearer realm="ioc-edge"')
      .send({
        error: given ? 'wrong bearer token' : 'bearer token required (Authorization: Bearer <api.token>)',
      });
  });
}

/** Equal-length digests, so the comparison takes the same time whatever the token's length or content. */
function digest(s: string): Buffer {
  return createHash('sha256').update(s).digest();
}

/** `Host` header → lower-case host name without port or IPv6 brackets. */
function hostOf(host: string): string | undefined {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) {
    const end = h.indexOf(']');
    return end > 0 ? h.slice(1, end) : undefined;
  }
  const colon = h.lastIndexOf(':');
  return colon >= 0 ? h.slice(0, colon) : h;
}

function sameHost(origin: string, host: string): boolean {
  try {
    return new URL(origin).host.toLowerCase() === host.trim().toLowerCase();
  } catch {
    return false;
  }
}

/** True for addresses only this machine reaches. */
export function isLoopback(host: string): boolean {
  return /^(127\.|localhost$|::1$|::ffff:127\.)/.test(host);
}
