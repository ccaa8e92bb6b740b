import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';

describe('ioc-edge help', () => {
  it('prints the usage for "<command> --help", with the options analyze takes, and exits 0', async () => {
    for (const args of [
      ['analyze', '--help'],
      ['probe', '-h'],
      ['check-config', 'x.yaml', '--help'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).toBe(0);
      expect(r.stdout).toContain('usage: ioc-edge <command>');
      expect(r.stdout).toContain('--explain');
      expect(r.stderr).toBe('');
    }
  });

  it('takes "--help" after "--" as the command\'s argument, not as a request for help', async () => {
    const r = await runCli(['check-config', '--', '--help']);
    expect(r.code).toBe(1);
    expect(r.stdout).not.toContain('usage:');
    expect(r.stderr + r.stdout).toContain('--help');
  });
});
