// PNG charts of the results: Vega-Lite specs compiled and rendered to SVG by vega (headless, no canvas),
// rasterised by resvg. Each chart is made only when its data is there.
import { Resvg } from '@resvg/resvg-js';
import * as vega from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import * as vl from 'vega-lite';
import { at, list, num, type Results } from './figures.js';

export interface Chart {
  file: string;
  title: string;
  png: Buffer;
}

const FONT = 'DejaVu Sans';

async function render(spec: TopLevelSpec): Promise<Buffer> {
  const compiled = vl.compile({
    ...spec,
    config: {
      font: FONT,
      background: 'white',
      view: { stroke: null },
      axis: { labelLimit: 360 },
      legend: { labelLimit: 360 },
    },
  } as TopLevelSpec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG(2);
  view.finalize();
  const png = new Resvg(svg, { font: { loadSystemFonts: true, defaultFontFamily: FONT } }).render().asPng();
  return Buffer.from(png);
}

type Datum = Record<string, string | number>;

/** Items/s of our parts and their peers, with the goal as a rule. */
function throughputSpec(r: Results): TopLevelSpec | undefined {
  const rows: Datum[] = [];
  for (const run of list(r.sensors, 'runs')) {
    const v = num(run, 'readingsPerSecond');
    if (v !== undefined)
      rows.push({
        what: `sensor readings/s, ${num(run, 'publishers')} publisher(s)`,
        system: String(at(run, 'system')),
        v,
      });
  }
  for (const k of ['live', 'replay']) {
    const v = num(r.timeseries, k, 'pointsPerSecond');
    if (v !== undefined) rows.push({ what: `time-series points/s, ${k}`, system: 'ioc-edge', v });
  }
  if (rows.length === 0) return undefined;
  return {
    title: 'Throughput (goal 50,000/s)',
    width: 520,
    height: { step: 22 },
    data: { values: rows },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'what', type: 'nominal', title: null },
          yOffset: { field: 'system' },
          x: { field: 'v', type: 'quantitative', title: 'items/s' },
          color: { field: 'system', type: 'nominal', title: null },
        },
      },
      { mark: { type: 'rule', color: 'red', strokeDash: [4, 3] }, encoding: { x: { datum: 50_000 } } },
    ],
  } as TopLevelSpec;
}

/** Frames/s of `analyze` per clip, ours beside the OpenCV baseline. */
function detectSpec(r: Results): TopLevelSpec | undefined {
  const rows: Datum[] = [];
  for (const c of list(r.detect, 'results')) {
    const clip = String(at(c, 'clip')).replace(/\.mp4$/, '');
    const ours = num(c, 'ours', 'fps');
    const base = num(c, 'baseline', 'fps');
    if (ours !== undefined) rows.push({ clip, system: 'ioc-edge analyze', fps: ours });
    if (base !== undefined) rows.push({ clip, system: 'OpenCV baseline', fps: base });
  }
  if (rows.length === 0) return undefined;
  return {
    title: 'Recorded-clip analysis, frames/s (goal ≥ 4× OpenCV)',
    width: 420,
    height: { step: 22 },
    data: { values: rows },
    mark: 'bar',
    encoding: {
      y: { field: 'clip', type: 'nominal', title: null },
      yOffset: { field: 'system' },
      x: { field: 'fps', type: 'quantitative', title: 'frames/s' },
      color: { field: 'system', type: 'nominal', title: null },
    },
  } as TopLevelSpec;
}

function latencySpec(r: Results): TopLevelSpec | undefined {
  const rows: Datum[] = [];
  const add = (what: string, p: unknown) => {
    for (const k of ['p50', 'p95', 'p99']) {
      const v = num(p, k);
      if (v !== undefined) rows.push({ what, percentile: k, ms: v });
    }
  };
  add('one box: alert → PUBACK', at(r.alerts, 'live', 'alertPubackMs'));
  add('fleet: raised → IOC consumer', at(r.fleet, 'latencyMs', 'steady'));
  if (rows.length === 0) return undefined;
  return {
    title: 'Alert latency (goal p99 < 200 ms)',
    width: 420,
    height: { step: 18 },
    data: { values: rows },
    layer: [
      {
        mark: 'bar',
        encoding: {
          y: { field: 'what', type: 'nominal', title: null },
          yOffset: { field: 'percentile' },
          x: { field: 'ms', type: 'quantitative', title: 'ms', scale: { domainMax: 220 } },
          color: { field: 'percentile', type: 'nominal', title: null },
        },
      },
      { mark: { type: 'rule', color: 'red', strokeDash: [4, 3] }, encoding: { x: { datum: 200 } } },
    ],
  } as TopLevelSpec;
}

/** Total PSS (gateway + its ffmpegs) by camera count per memory run, with the goal 150 + 40 per camera. */
function memorySpec(r: Results): TopLevelSpec | undefined {
  const rows: Datum[] = [];
  let maxCams = 0;
  for (const run of list(r.memory, 'runs')) {
    const name = `${at(run, 'label')} (${at(run, 'mode') === 'sub' ? 'substream' : 'main stream'})`;
    for (const s of list(run, 'steps')) {
      const cams = num(s, 'cameras');
      const pss = num(s, 'totalPssMb');
      if (cams === undefined || pss === undefined) continue;
      rows.push({ run: name, cameras: cams, pss });
      maxCams = Math.max(maxCams, cams);
    }
  }
  if (rows.length === 0) return undefined;
  for (let c = 0; c <= maxCams; c++)
    rows.push({ run: 'goal: 150 + 40 per camera', cameras: c, pss: 150 + 40 * c });
  return {
    title: 'Memory: PSS of the gateway and its ffmpegs',
    width: 420,
    height: 260,
    data: { values: rows },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'cameras', type: 'quantitative', title: 'cameras' },
      y: { field: 'pss', type: 'quantitative', title: 'PSS MB' },
      color: { field: 'run', type: 'nominal', title: null },
      strokeDash: {
        condition: { test: "indexof(datum.run, 'goal') === 0", value: [4, 3] },
        value: [1, 0],
      },
    },
  } as TopLevelSpec;
}

function fleetSpec(r: Results): TopLevelSpec | undefined {
  const per = list(r.fleet, 'timeline', 'perSecondMsgs').map(Number);
  if (per.length === 0) return undefined;
  const from = num(r.fleet, 'timeline', 'outageFromS') ?? 0;
  const to = num(r.fleet, 'timeline', 'outageToS') ?? 0;
  return {
    title: `Fleet: messages/s at the IOC consumer (${num(r.fleet, 'config', 'instances')} boxes; broker down ${from}–${to} s)`,
    width: 520,
    height: 220,
    layer: [
      {
        data: { values: [{ from, to }] },
        mark: { type: 'rect', color: '#f4cccc' },
        encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
      },
      {
        data: { values: per.map((v, t) => ({ t, v })) },
        mark: 'line',
        encoding: {
          x: { field: 't', type: 'quantitative', title: 'seconds into the run' },
          y: { field: 'v', type: 'quantitative', title: 'messages/s' },
        },
      },
    ],
  } as TopLevelSpec;
}

const CHARTS: [string, string, (r: Results) => TopLevelSpec | undefined][] = [
  ['throughput.png', 'Throughput: sensors and time series vs Node-RED', throughputSpec],
  ['detect-fps.png', 'Recorded-clip analysis vs OpenCV', detectSpec],
  ['latency.png', 'Alert latency', latencySpec],
  ['memory.png', 'Memory (PSS) by camera count', memorySpec],
  ['fleet.png', 'Fleet messages/s across the broker outage', fleetSpec],
];

export async function charts(results: Results): Promise<Chart[]> {
  const out: Chart[] = [];
  for (const [file, title, spec] of CHARTS) {
    const s = spec(results);
    if (s) out.push({ file, title, png: await render(s) });
  }
  return out;
}
