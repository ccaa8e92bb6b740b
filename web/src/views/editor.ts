import { getJson, imageUrl, type Line, type Point, sendJson, type Zone } from '../api.js';
import { clear, h, svg } from '../dom.js';
import { t, zoneKindLabel } from '../i18n.js';
import { errorBox, setImage } from './util.js';

const KINDS = ['carriageway', 'no_stopping', 'parking', 'sidewalk', 'generic'];
const ZONE_COLOUR: Record<string, string> = {
  carriageway: '#2979ff',
  no_stopping: '#ff1744',
  parking: '#00e676',
  sidewalk: '#e040fb',
  generic: '#ffffff',
};

type Mode = 'idle' | 'line' | 'zone';

/**
 * The line and zone editor: the technician clicks points on a real frame of the camera, names the
 * directions (the side a vehicle crosses to, as the counter counts) and saves; the box applies it like any
 * config change and says whether it runs.
 */
export function editorPage(root: HTMLElement, [cameraId = '']: string[]): () => void {
  const base = `/api/cameras/${encodeURIComponent(cameraId)}`;
  let lines: Line[] = [];
  let zones: Zone[] = [];
  let saved = { lines: '[]', zones: '[]' };
  let mode: Mode = 'idle';
  let pending: Point[] = [];

  const img = h('img', { class: 'frame', id: 'editor-frame', alt: t('noPicture') });
  const overlay = svg('svg', {
    class: 'overlay',
    id: 'editor-overlay',
    viewBox: '0 0 1000 1000',
    preserveAspectRatio: 'none',
  }) as SVGSVGElement;
  const stage = h('div', { class: 'stage' }, img, overlay);
  const hint = h('div', { class: 'msg', id: 'editor-hint' });
  const list = h('div', { class: 'items', id: 'editor-items' });
  const status = h('div', { id: 'editor-status' });
  const finish = h(
    'button',
    { type: 'button', id: 'finish-zone', hidden: true, onclick: () => finishZone() },
    t('finish'),
  );
  const saveButton = h(
    'button',
    { type: 'button', class: 'primary', id: 'save-geometry', onclick: () => void save() },
    t('save'),
  );

  root.append(
    h(
      'header',
      { class: 'head' },
      h('a', { href: '#/cameras' }, t('back')),
      h('h1', null, `${t('linesZones')}: ${cameraId}`),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('button', { type: 'button', id: 'draw-line', onclick: () => begin('line') }, t('drawLine')),
      h('button', { type: 'button', id: 'draw-zone', onclick: () => begin('zone') }, t('drawZone')),
      finish,
      h('button', { type: 'button', onclick: () => void loadPicture() }, '⟳'),
      saveButton,
    ),
    hint,
    status,
    h('div', { class: 'editor' }, stage, list),
  );

  const loadPicture = async () => setImage(img, await imageUrl(`${base}/snapshot.jpg?overlay=0&full=1`));

  const load = async () => {
    try {
      [lines, zones] = await Promise.all([
        getJson<Line[]>(`${base}/lines`),
        getJson<Zone[]>(`${base}/zones`),
      ]);
      saved = { lines: JSON.stringify(lines), zones: JSON.stringify(zones) };
      render();
    } catch (err) {
      clear(status, errorBox(err));
    }
  };

  const begin = (m: Mode) => {
    mode = m;
    pending = [];
    finish.hidden = m !== 'zone';
    render();
  };

  stage.addEventListener('click', (e) => {
    if (mode === 'idle') return;
    const r = img.getBoundingClientRect();
    const x = round((e.clientX - r.left) / r.width);
    const y = round((e.clientY - r.top) / r.height);
    if (x < 0 || x > 1 || y < 0 || y > 1) return;
    pending.push([x, y]);
    if (mode === 'line' && pending.length === 2) {
      lines.push({
        id: freeId('line', lines),
        points: [pending[0]!, pending[1]!],
        directions: ['in', 'out'],
      });
      begin('idle');
      return;
    }
    render();
  });

  const finishZone = () => {
    if (pending.length >= 3) zones.push({ id: freeId('zone', zones), polygon: pending, kind: 'carriageway' });
    begin('idle');
  };

  function render(): void {
    hint.textContent = mode === 'line' ? t('clickTwo') : mode === 'zone' ? t('clickCorners') : '';
    hint.hidden = mode === 'idle';
    stage.classList.toggle('drawing', mode !== 'idle');
    drawOverlay();
    const items = [...lines.map(lineItem), ...zones.map(zoneItem)];
    clear(list, items.length ? items : h('p', { class: 'muted' }, t('nothingDrawn')));
    saveButton.disabled = JSON.stringify(lines) === saved.lines && JSON.stringify(zones) === saved.zones;
  }

  function lineItem(l: Line, i: number): HTMLElement {
    return h(
      'div',
      { class: 'item', 'data-line': l.id },
      h('span', { class: 'swatch line' }),
      h(
        'label',
        null,
        t('name'),
        input(l.id, (v) => (l.id = v), `line-${i}-id`),
      ),
      h(
        'label',
        null,
        t('dirRight'),
        input(l.directions[0], (v) => (l.directions[0] = v), `line-${i}-dir0`),
      ),
      h(
        'label',
        null,
        t('dirLeft'),
        input(l.directions[1], (v) => (l.directions[1] = v), `line-${i}-dir1`),
      ),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () => {
            lines.splice(i, 1);
            render();
          },
        },
        t('delete'),
      ),
    );
  }

  function zoneItem(z: Zone, i: number): HTMLElement {
    const kind = h(
      'select',
      {
        id: `zone-${i}-kind`,
        onchange: () => {
          z.kind = kind.value;
          render();
        },
      },
      KINDS.map((k) => h('option', { value: k, selected: k === z.kind }, zoneKindLabel(k))),
    );
    return h(
      'div',
      { class: 'item', 'data-zone': z.id },
      h('span', { class: 'swatch', style: `background:${ZONE_COLOUR[z.kind] ?? '#fff'}` }),
      h(
        'label',
        null,
        t('name'),
        input(z.id, (v) => (z.id = v), `zone-${i}-id`),
      ),
      h('label', null, t('kind'), kind),
      h(
        'button',
        {
          type: 'button',
          class: 'danger',
          onclick: () => {
            zones.splice(i, 1);
            render();
          },
        },
        t('delete'),
      ),
    );
  }

  function input(value: string, set: (v: string) => void, id: string): HTMLInputElement {
    const el = h('input', {
      value,
      id,
      pattern: '[a-z0-9][a-z0-9_-]{0,63}',
      autocapitalize: 'off',
      spellcheck: 'false',
    });
    el.addEventListener('change', () => {
      set(el.value.trim());
      render();
    });
    return el;
  }

  function drawOverlay(): void {
    const parts: SVGElement[] = [];
    const P = (p: Point) => [p[0] * 1000, p[1] * 1000] as const;
    for (const z of zones) {
      const c = ZONE_COLOUR[z.kind] ?? '#fff';
      parts.push(
        svg('polygon', {
          points: z.polygon.map((p) => P(p).join(',')).join(' '),
          fill: c,
          'fill-opacity': 0.2,
          stroke: c,
          'stroke-width': 3,
          'vector-effect': 'non-scaling-stroke',
        }),
      );
    }
    for (const l of lines) {
      const [a, b] = [P(l.points[0]), P(l.points[1])];
      parts.push(
        svg('line', {
          x1: a[0],
          y1: a[1],
          x2: b[0],
          y2: b[1],
          stroke: '#ffd600',
          'stroke-width': 4,
          'stroke-linecap': 'round',
          'vector-effect': 'non-scaling-stroke',
        }),
      );
      parts.push(dot(a, '#ffd600'), dot(b, '#ffd600'));
    }
    if (pending.length > 0) {
      const pts = pending.map((p) => P(p).join(',')).join(' ');
      parts.push(
        svg('polyline', {
          points: pts,
          fill: 'none',
          stroke: '#fff',
          'stroke-width': 2,
          'stroke-dasharray': '6 4',
          'vector-effect': 'non-scaling-stroke',
        }),
      );
      for (const p of pending) parts.push(dot(P(p), '#fff'));
    }
    overlay.replaceChildren(...parts);
    // Labels in HTML over the SVG: text in a stretched SVG would be distorted.
    for (const el of stage.querySelectorAll('.label')) el.remove();
    for (const l of lines) labelsFor(l);
    for (const z of zones) label(z.polygon[0]!, z.id, ZONE_COLOUR[z.kind] ?? '#fff', 8, 8);
  }

  function labelsFor(l: Line): void {
    const r = img.getBoundingClientRect();
    const w = r.width || 1;
    const hgt = r.height || 1;
    const [a, b] = l.points;
    const dx = (b[0] - a[0]) * w;
    const dy = (b[1] - a[1]) * hgt;
    const len = Math.hypot(dx, dy) || 1;
    // Right-hand normal of A→B with y down: crossing to this side counts as directions[0].
    const nx = -dy / len;
    const ny = dx / len;
    const mid: Point = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    label(a, `A ${l.id}`, '#ffd600', 4, -22);
    label(b, 'B', '#ffd600', 4, -22);
    label(mid, `${arrow(nx, ny)} ${l.directions[0]}`, '#ffd600', nx * 28 - 20, ny * 28 - 10);
    label(mid, `${arrow(-nx, -ny)} ${l.directions[1]}`, '#ffd600', -nx * 28 - 20, -ny * 28 - 10);
  }

  function label(p: Point, text: string, colour: string, ox: number, oy: number): void {
    stage.append(
      h(
        'span',
        {
          class: 'label',
          style: `left:calc(${p[0] * 100}% + ${ox}px);top:calc(${p[1] * 100}% + ${oy}px);color:${colour}`,
        },
        text,
      ),
    );
  }

  async function save(): Promise<void> {
    clear(status, h('div', { class: 'msg' }, t('saving')));
    saveButton.disabled = true;
    try {
      if (JSON.stringify(lines) !== saved.lines) await sendJson('PUT', `${base}/lines`, lines);
      if (JSON.stringify(zones) !== saved.zones) await sendJson('PUT', `${base}/zones`, zones);
      clear(status, h('div', { class: 'msg good', id: 'editor-saved' }, t('saved')));
      await load();
    } catch (err) {
      clear(status, errorBox(err));
      render();
    }
  }

  img.addEventListener('load', () => drawOverlay());
  const onResize = () => drawOverlay();
  window.addEventListener('resize', onResize);
  void loadPicture();
  void load();
  return () => window.removeEventListener('resize', onResize);
}

function dot(p: readonly [number, number], colour: string): SVGElement {
  return svg('circle', {
    cx: p[0],
    cy: p[1],
    r: 6,
    fill: colour,
    stroke: '#000',
    'stroke-width': 1,
    'vector-effect': 'non-scaling-stroke',
  });
}

const ARROWS = ['→', '↘', '↓', '↙', '←', '↖', '↑', '↗'];

/** The arrow glyph nearest to a direction (y down), as the box draws it on snapshots. */
function arrow(dx: number, dy: number): string {
  return ARROWS[(Math.round(Math.atan2(dy, dx) / (Math.PI / 4)) + 8) % 8]!;
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function freeId(prefix: string, items: { id: string }[]): string {
  for (let i = items.length + 1; ; i++)
    if (!items.some((x) => x.id === `${prefix}${i}`)) return `${prefix}${i}`;
}
