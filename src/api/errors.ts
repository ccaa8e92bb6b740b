import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import type { ApplyOutcome } from '../config/apply-outcome.js';
import { formatPath } from '../config/errors.js';
import type { Logger } from '../log/logger.js';

/** One thing wrong with a request, and where: `body.lines[0].points`, `params.id`. */
export interface RequestProblem {
  path: string;
  message: string;
}

/** Every error the API answers is `{ error, problems? }` JSON; 5xx details stay in the log. */
export function installErrorShape(app: FastifyInstance, log: Logger): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (err.validation) {
      const where = err.validationContext ?? 'body';
      const problems = err.validation.map((v) => problemFromAjv(where, v));
      return reply.code(400).send({ error: `invalid ${where}`, problems });
    }
    const status = err.statusCode && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      log.error({ err, method: req.method, url: req.url }, 'API request failed');
      return reply.code(status).send({ error: 'internal error (see the gateway log)' });
    }
    return reply.code(status).send({ error: err.message });
  });
  app.setNotFoundHandler((req, reply) =>
    reply.code(404).send({ error: `no such route: ${req.method} ${req.url.split('?')[0]}` }),
  );
}

interface AjvError {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

function problemFromAjv(where: string, v: AjvError): RequestProblem {
  const segments = (v.instancePath ?? '')
    .split('/')
    .filter(Boolean)
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s.replace(/~1/g, '/').replace(/~0/g, '~')));
  let message = v.message ?? 'invalid';
  if (v.keyword === 'additionalProperties' && typeof v.params?.additionalProperty === 'string') {
    segments.push(v.params.additionalProperty);
    message = 'unknown key';
  } else if (v.keyword === 'required' && typeof v.params?.missingProperty === 'string') {
    segments.push(v.params.missingProperty);
    message = 'required';
  }
  return { path: formatPath([where, ...segments]), message };
}

/** The answer to a config change: 200 (or `appliedStatus`) applied, 422 refused (problems with paths), 409 rolled back. */
export function sendOutcome(
  reply: FastifyReply,
  outcome: ApplyOutcome,
  body: Record<string, unknown> = {},
  appliedStatus = 200,
) {
  if (outcome.status === 'applied') return reply.code(appliedStatus).send({ ...body, ...outcome });
  if (outcome.status === 'invalid')
    return reply.code(422).send({ error: 'config refused', ...outcome, problems: outcome.problems });
  return reply.code(409).send({
    error: 'the new config did not come up; the previous one is running again',
    ...outcome,
  });
}
