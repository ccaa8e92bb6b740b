import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { parseDocument, stringify } from 'yaml';
import { sendOutcome } from '../api/errors.js';
import type { ConfigEditor } from '../config/config-document.js';
import { requestJsonSchema } from '../config/json-schema.js';
import { configSchema } from '../config/schema.js';
import { maskConfig, unmaskConfig } from '../config/secret-mask.js';
import { REDACTED, type SecretScrubber } from '../log/redact.js';

export interface ConfigRoutesOptions {
  config: ConfigEditor;
  scrubber: SecretScrubber;
}

const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];
const yamlText = new WeakMap<FastifyRequest, string>();

/**
 * The config as written (secrets masked), and replacing it: checked against the config's JSON Schema,
 * then validated in full and applied with rollback, the same path the remote config push takes. A YAML
 * body (`content-type: application/yaml`) is applied as sent, comments included. A `***` sent back keeps
 * the secret that is in the file now.
 */
export const configRoutes: FastifyPluginAsync<ConfigRoutesOptions> = async (app, opts) => {
  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (req, body, done) => {
    const refuse = (why: string) => {
      const err = new Error(`the YAML does not parse: ${why}`) as Error & { statusCode: number };
      err.statusCode = 400;
      done(err, undefined);
    };
    const doc = parseDocument(body as string);
    if (doc.errors.length > 0) return refuse(doc.errors[0]!.message);
    let tree: unknown;
    try {
      // Aliases resolve here: an undefined one, or an alias bomb past the library's alias count.
      tree = doc.toJS();
    } catch (err) {
      return refuse((err as Error).message);
    }
    yamlText.set(req, body as string);
    done(null, tree);
  });

  const written = () => parseDocument(opts.config.text()).toJS() as unknown;

  app.get('/api/config', async () => ({
    file: opts.config.current().source,
    config: maskConfig(written(), opts.scrubber),
  }));

  app.put<{ Body: Record<string, unknown> }>(
    '/api/config',
    { schema: { body: requestJsonSchema(configSchema) } },
    async (req, reply) => {
      const sent = yamlText.get(req);
      const text =
        sent !== undefined && !sent.includes(REDACTED) ? sent : stringify(unmaskConfig(req.body, written()));
      const outcome = await opts.config.apply(text, 'api');
      return sendOutcome(reply, outcome);
    },
  );
};
