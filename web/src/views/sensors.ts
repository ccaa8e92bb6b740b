import { ApiError, getJson } from '../api.js';
import { clear, h, svg } from '../dom.js';
import { t } from '../i18n.js';
import { errorBox, every } from './util.js';

/** GET /api/sensors, as docs/api.md defines it. */
interface Sensor {
  id: string;
  type: string;
  topic?: string;
  lastSeen?: string | null;
  values: Record<string, number>;
  history?: Record<string, [number, number][]>;
}

/** Sensor list with each metric's last value and a sparkline of its recent readings. */
export function sensorsPage(root: HTMLElement): () => void {
  const body = h('div', { id: 'sensors' }, h('p', { class: 'muted' }, t('loading')));
  root.append(h('header', { class: 'head' }, h('h1', null, t('sensors'))), body);
  return every(5000, async () => {
    try {
      const sensors = await getJson<Sensor[]>('/api/sensors');
      clear(
        body,
        sensors.length === 0
          ? h('p', { class: 'muted' }, t('noSensors'))
          : h('div', { class: 'grid' }, sensors.map(card)),
      );
    } catch (err) {
      if (err instanceof ApiError && err.status === 404)
        clear(body, notConfigured(t('notConfiguredSensors')));
      else clear(body, errorBox(err));
    }
  });
}

export function notConfigured(text: string): HTMLElement {
  return h(
    'div',
    { class: 'card empty', id: 'not-configured' },
    h('strong', null, t('notConfigured')),
    h('p', { class: 'muted' }, text),
  );
}

function card(s: Sensor): HTMLElement {
  return h(
    'article',
    { class: 'card' },
    h('div', { class: 'title' }, h('strong', null, s.id), h('span', { class: 'muted small' }, s.type)),
    h(
      'div',
      { class: 'muted small' },
      `${t('lastReading')}: ${s.lastSeen ? new Date(s.lastSeen).toLocaleString() : '–'}`,
    ),
    h(
      'table',
      { class: 'metrics' },
      Object.entries(s.values).map(([k, v]) =>
        h(
          'tr',
          null,
          h('th', null, k),
          h('td', null, String(v)),
          h('td', null, sparkline(s.history?.[k] ?? [])),
        ),
      ),
    ),
  );
}

function sparkline(points: [number, number][]): SVGElement {
  const W = 120;
  const H = 28;
  if (points.length < 2) return svg('svg', { width: W, height: H });
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  const px = (x: number) => ((x - x0) / (x1 - x0 || 1)) * (W - 2) + 1;
  const py = (y: number) => H - 2 - ((y - y0) / (y1 - y0 || 1)) * (H - 4);
  const d = points.map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`).join(' ');
  return svg(
    'svg',
    { class: 'spark', width: W, height: H, viewBox: `0 0 ${W} ${H}` },
    svg('polyline', { points: d, fill: 'none', stroke: 'currentColor', 'stroke-width': 1.5 }),
  );
}
