import { describe, expect, it } from 'vitest';
import { cameraInputs } from '../../src/camera/camera-inputs.js';
import { ConfigError } from '../../src/config/errors.js';
import { parseConfigText } from '../../src/config/load.js';
import { scrubberForConfig } from '../../src/config/secrets.js';

const NODE = 'node: { id: edge-01, site: binh-duong }\n';
const SUB = 'rtsp://admin:sub-secret@10.0.0.5:554/Streaming/Channels/102';
const MAIN = 'rtsp://admin:main-secret@10.0.0.5:554/Streaming/Channels/101';

function parse(yaml: string) {
  return parseConfigText(yaml, '/etc/ioc-edge/test.yaml', { env: {}, cwd: '/tmp' });
}

function problems(yaml: string): string[] {
  try {
    parse(yaml);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => `${p.path}: ${p.message}`);
    throw err;
  }
  return [];
}

const camera = (body: string) => `${NODE}cameras:\n  - id: cam1\n${body}`;

describe('cameras[].inputs', () => {
  it('url stays the single stream with both roles', () => {
    const cfg = parse(camera(`    url: ${MAIN}\n    hwaccel: vaapi\n`));
    const inputs = cameraInputs(cfg.cameras[0]!);
    expect(inputs.shared).toBe(true);
    expect(inputs.detect).toEqual({ url: MAIN, transport: 'tcp', hwaccel: 'vaapi' });
    expect(inputs.record).toBe(inputs.detect);
  });

  it('a detect substream and a record main stream, each with its own settings or the camera defaults', () => {
    const cfg = parse(
      camera(
        [
          '    transport: udp',
          '    hwaccel: qsv',
          '    inputs:',
          `      - { url: "${SUB}", roles: [detect] }`,
          `      - { url: "${MAIN}", roles: [record], transport: tcp }`,
          '    clips: { enabled: true }',
          '',
        ].join('\n'),
      ),
    );
    const inputs = cameraInputs(cfg.cameras[0]!);
    expect(inputs.shared).toBe(false);
    expect(inputs.detect).toEqual({ url: SUB, transport: 'udp', hwaccel: 'qsv' });
    expect(inputs.record).toEqual({ url: MAIN, transport: 'tcp', hwaccel: 'qsv' });
    // Every input's password is a secret.
    const scrubbed = scrubberForConfig(cfg).scrub(`a sub-secret and a main-secret`);
    expect(scrubbed).toBe('a *** and a ***');
  });

  it('one input with both roles is shared; a detect input alone records nothing', () => {
    const both = parse(camera(`    inputs: [{ url: "${MAIN}", roles: [detect, record] }]\n`));
    expect(cameraInputs(both.cameras[0]!).shared).toBe(true);
    const detectOnly = parse(camera(`    inputs: [{ url: "${SUB}", roles: [detect] }]\n`));
    expect(cameraInputs(detectOnly.cameras[0]!).shared).toBe(false);
    expect(cameraInputs(detectOnly.cameras[0]!).record).toBeUndefined();
  });

  it.each([
    ['neither url nor inputs', camera('    name: x\n'), 'cameras[0].url: required (string)'],
    [
      'both url and inputs',
      camera(`    url: ${MAIN}\n    inputs: [{ url: "${SUB}", roles: [detect] }]\n`),
      'cameras[0].inputs: give either url (one stream for everything) or inputs with roles, not both',
    ],
    [
      'no detect role',
      camera(`    inputs: [{ url: "${MAIN}", roles: [record] }]\n`),
      'cameras[0].inputs: no input has the detect role',
    ],
    [
      'a role on two inputs',
      camera(
        `    inputs: [{ url: "${SUB}", roles: [detect] }, { url: "${MAIN}", roles: [detect, record] }]\n`,
      ),
      'cameras[0].inputs[1].roles: role detect is also on input 0: each role belongs to one input',
    ],
    [
      'the same URL twice',
      camera(`    inputs: [{ url: "${SUB}", roles: [detect] }, { url: "${SUB}", roles: [record] }]\n`),
      'cameras[0].inputs[1].url: the same URL as input 0: give that input both roles instead',
    ],
    [
      'clips without a record input',
      camera(`    inputs: [{ url: "${SUB}", roles: [detect] }]\n    clips: { enabled: true }\n`),
      'cameras[0].clips.enabled: clips need an input with the record role (cameras[].inputs)',
    ],
    [
      'an unknown role',
      camera(`    inputs: [{ url: "${SUB}", roles: [detect, audio] }]\n`),
      'cameras[0].inputs[0].roles[1]: expected one of "detect", "record", got the string "audio"',
    ],
    [
      'a role listed twice',
      camera(`    inputs: [{ url: "${SUB}", roles: [detect, detect] }]\n`),
      'cameras[0].inputs[0].roles: a role is listed twice',
    ],
    [
      'a bad input URL',
      camera('    inputs: [{ url: "http://10.0.0.5/video", roles: [detect] }]\n'),
      'cameras[0].inputs[0].url: unsupported URL scheme "http"',
    ],
  ])('%s', (_name, yaml, expected) => {
    const found = problems(yaml);
    expect(
      found.some((p) => p.startsWith(expected)),
      `expected "${expected}" in:\n${found.join('\n')}`,
    ).toBe(true);
  });

  it('reports input problems together with the rest of the file', () => {
    const found = problems(
      `${NODE}cameras:\n  - id: cam1\n    inputs: [{ url: "${MAIN}", roles: [record] }]\n    detect: { fps: fast }\n`,
    );
    expect(found.some((p) => p.startsWith('cameras[0].inputs: no input has the detect role'))).toBe(true);
    expect(found.some((p) => p.startsWith('cameras[0].detect.fps'))).toBe(true);
  });
});
