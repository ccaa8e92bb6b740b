import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, startCli } from '../support/cli.js';
import { freePort, removeDir, tempDir, waitUntil } from '../support/process.js';
import { spooledLines } from '../support/spool-rows.js';

const dir = tempDir('live');
afterAll(() => removeDir(dir));

function spoolLines(db: string, like: string): string[] {
  const d = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const re = new RegExp(`^${like.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('%', '.*')}$`);
    return spooledLines(d).filter((l) => re.test(l));
  } finally {
    d.close();
  }
}

describe('ioc-edge run: camera → detection → tracking → counts → spool', () => {
  it('counts the cars of a looping clip and spools traffic_count, zone_occupancy and camera_health points', async () => {
    const config = join(dir, 'live.yaml');
    writeFileSync(
      config,
      [
        'node: { id: edge-live, site: test }',
        `dataDir: ${dir}/data`,

        'cameras:',
        '  - id: nl',
        `    url: file://${ROOT}media/nl_motorway_overpass.mp4`,
        '    detect: { fps: 10 }',
        '    countInterval: 3s',
        '    lines: [{ id: main, points: [[0, 0.5], [1, 0.5]], directions: [down, up] }]',
        '    zones: [{ id: road, kind: carriageway, polygon: [[0.05, 0.3], [0.75, 0.3], [1, 1], [0, 1]] }]',
        `mqtt: { broker: { port: ${await freePort()} } }`,
        'api: { port: 0 }',
        '',
      ].join('\n'),
    );
    const gw = startCli(['run', '--config', config]);
    const db = join(dir, 'data', 'ioc-edge.db');
    try {
      // The first cars cross the line 1.75 s into the clip; a 3 s interval closes soon after.
      await waitUntil(
        'a traffic_count point with cars going down',
        async () =>
          spoolLines(db, 'traffic_count,%class=car,direction=down%').some((l) => !/ count=0i/.test(l)),
        { server: gw, timeoutMs: 45_000, intervalMs: 250 },
      );
      const counts = spoolLines(db, 'traffic_count,%');
      expect(counts.every((l) => /,node=edge-live,site=test /.test(l))).toBe(true);
      expect(counts.filter((l) => l.includes('direction=up')).every((l) => l.includes(' count=0i'))).toBe(
        true,
      );
      expect(spoolLines(db, 'zone_occupancy,camera=nl,class=car,%zone=road %').length).toBeGreaterThan(0);

      const api = (gw.output().match(/"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"API listening"/) ?? [])[1];
      const health = (await (await fetch(`${api}/api/health`)).json()) as {
        cameras: Record<string, { state: string; detectFps: number }>;
        vision: { inference: { runs: number } };
      };
      expect(health.cameras.nl!.state).toBe('streaming');
      expect(health.vision.inference.runs).toBeGreaterThan(0);

      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
      // Stopping writes a last camera_health sample and flushes the open count interval.
      expect(spoolLines(db, 'camera_health,camera=nl,%').length).toBeGreaterThan(0);
    } finally {
      await gw.stop();
    }
  });
});

describe('ioc-edge run: detection regions sized to the motorcycles seen', () => {
  it("grows a camera's regions once for a line where motorcycles are small, and streams on with them", async () => {
    const config = join(dir, 'sizing.yaml');
    writeFileSync(
      config,
      [
        'node: { id: edge-sizing, site: test }',
        `dataDir: ${dir}/sizing`,
        'cameras:',
        '  - id: jk',
        `    url: file://${ROOT}media/jakarta_dense_traffic_motorcycles.mp4`,
        '    detect: { fps: 10 }',
        '    lines: [{ id: high, points: [[0, 0.6], [1, 0.6]], directions: [down, up] }]',
        `mqtt: { broker: { port: ${await freePort()} } }`,
        'api: { port: 0 }',
        '',
      ].join('\n'),
    );
    const gw = startCli(['run', '--config', config]);
    try {
      // What the console shows meanwhile: the line's size, `sizing` while the regions may grow for it.
      const seen = new Set<string>();
      const apiUrl = () =>
        (gw.output().match(/"url":"(http:\/\/127\.0\.0\.1:\d+)","msg":"API listening"/) ?? [])[1];
      const lineSize = async () => {
        const [l] = (await (await fetch(`${apiUrl()}/api/counts?camera=jk`)).json()) as {
          size: { status: string; sizing?: boolean } | null;
        }[];
        return l?.size ? `${l.size.status}${l.size.sizing ? ', sizing' : ''}` : 'none';
      };
      // The motorcycles' own boxes tell their size after about 15 s of the clip (10 detector frames a second).
      await waitUntil(
        'the regions re-sized',
        async () => {
          if (/regions re-sized to \d+ model px/.test(gw.output())) return true;
          if (apiUrl()) seen.add(await lineSize());
          return false;
        },
        {
          server: gw,
          timeoutMs: 60_000,
          intervalMs: 250,
        },
      );
      const layouts = [
        ...gw.output().matchAll(/"camera":"jk","picture":"1024x576","tiles":\[([^\]]*)\]/g),
      ].map((m) => m[1]);
      expect(layouts).toHaveLength(2);
      expect(layouts[0]).toBe('"416x256","960x160"');
      expect(layouts[1]).not.toBe(layouts[0]);
      // Warned only if still small after the re-size: not here.
      expect(gw.output()).not.toMatch(/too small to be counted well/);
      // Before the re-size the line was small and being sized, never small alone (the console's warning).
      expect(seen).toContain('small, sizing');
      expect(seen).not.toContain('small');
      const api = apiUrl();
      await waitUntil(
        'the camera streaming again',
        async () => {
          const health = (await (await fetch(`${api}/api/health`)).json()) as {
            cameras: Record<string, { state: string; reconnects: number }>;
          };
          return health.cameras.jk!.state === 'streaming' && health.cameras.jk!.reconnects === 1;
        },
        { server: gw, timeoutMs: 15_000, intervalMs: 250 },
      );
      // Sizing until frames come at the new regions; then the size there.
      await waitUntil('the line measured at the new regions', async () => !/sizing/.test(await lineSize()), {
        server: gw,
        timeoutMs: 10_000,
        intervalMs: 250,
      });
      gw.child.kill('SIGTERM');
      expect(await gw.exited).toBe(0);
    } finally {
      await gw.stop();
    }
  }, 90_000);
});
