import {
  type CameraInfo,
  getJson,
  imageUrl,
  type Line,
  type Point,
  type Region,
  sendJson,
  type Zone,
} from '../api.js';
import { clear, h, svg } from '../dom.js';
import { t } from '../i18n.js';
import { lineItem, zoneItem } from './editor-items.js';
import { drawOverlay } from './editor-overlay.js';
import { errorBox, setImage } from './util.js';

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
  /** Where the gateway detects closer now (GET /api/cameras): it re-plans them when lines and zones are saved. */
  let regions: Region[] = [];

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
  const regionsNote = h('p', { class: 'muted small', id: 'regions-note', hidden: true }, t('regionsNote'));
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
    regionsNote,
  );

  const loadPicture = async () => setImage(img, await imageUrl(`${base}/snapshot.jpg?overlay=0&full=1`));

  const loadRegions = async () => {
    try {
      const cams = await getJson<CameraInfo[]>('/api/cameras');
      const now = cams.find((c) => c.id === cameraId)?.detect?.regions ?? [];
      if (JSON.stringify(now) === JSON.stringify(regions)) return;
      regions = now;
      regionsNote.hidden = regions.length === 0;
      redraw();
    } catch {
      // The picture and the drawing do not need them; the next look may get them.
    }
  };

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
    redraw();
    const items = [
      ...lines.map((l, i) => lineItem(l, i, lines, render)),
      ...zones.map((z, i) => zoneItem(z, i, zones, render)),
    ];
    clear(list, items.length ? items : h('p', { class: 'muted' }, t('nothingDrawn')));
    saveButton.disabled = JSON.stringify(lines) === saved.lines && JSON.stringify(zones) === saved.zones;
  }

  function redraw(): void {
    drawOverlay(overlay, stage, img, lines, zones, pending, regions);
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

  img.addEventListener('load', () => redraw());
  const onResize = () => redraw();
  window.addEventListener('resize', onResize);
  void loadPicture();
  void load();
  void loadRegions();
  // Saved lines and zones re-plan the regions once the camera runs with them.
  const regionTimer = setInterval(() => void loadRegions(), 3000);
  return () => {
    window.removeEventListener('resize', onResize);
    clearInterval(regionTimer);
  };
}

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

function freeId(prefix: string, items: { id: string }[]): string {
  for (let i = items.length + 1; ; i++)
    if (!items.some((x) => x.id === `${prefix}${i}`)) return `${prefix}${i}`;
}
