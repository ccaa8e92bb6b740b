import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseConfigText, type ResolvedConfig } from '../../src/config/load.js';

export const REPO = resolve(import.meta.dirname, '../..');
export const MEDIA = join(REPO, 'media');
export const NL_CLIP = join(MEDIA, 'nl_motorway_overpass.mp4');

/** A validated config with the repo's models dir; `extra` is YAML appended after the node section. */
export function testConfig(extra = ''): ResolvedConfig {
  const model = join(REPO, 'models', 'yolox_nano.onnx');
  if (!existsSync(model)) {
    throw new Error(`${model} is missing: it is committed in git (git checkout -- models/yolox_nano.onnx)`);
  }
  if (!existsSync(NL_CLIP))
    throw new Error(`${NL_CLIP} is missing: run scripts/bootstrap.sh (links ../shared/media as media/)`);
  return parseConfigText(`node: { id: test, site: test }\n${extra}`, join(REPO, 'test-config.yaml'), {
    cwd: REPO,
    env: {},
  });
}
