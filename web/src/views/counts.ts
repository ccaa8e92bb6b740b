import { getJson, type LineCounts } from '../api.js';
import { clear, h, svg } from '../dom.js';
import { classLabel, currentLang, t } from '../i18n.js';
import { errorBox, every } from './util.js';

const DIR_COLOURS = ['#1e88e5', '#fb8c00'];

/** A count chart per line: vehicles per interval, one colour per direction, and the last interval by class. */
export function countsPage(root: HTMLElement, [cameraId]: string[]): () => void {
  const body = h('div', { id: 'counts' }, h('p', { class: 'muted' }, t('loading')));
  root.append(
    h(
      'header',
      { class: 'head' },
      cameraId ? h('a', { href: '#/cameras' }, t('back')) : null,
      h('h1', null, `${t('counts')}${cameraId ? `: ${cameraId}` : ''}`),
    ),
    body,
  );
  return every(5000, async () => {
    try {
      const q = cameraId ? `?camera=${encodeURIComponent(cameraId)}&minutes=360` : '?minutes=360';
      const lines = await getJson<LineCounts[]>(`/api/counts${q}`);
      clear(body, lines.length === 0 ? h('p', { class: 'muted' }, t('noLines')) : lines.map(lineCard));
    } catch (err) {
      clear(body, errorBox(err));
    }
  });
}

function lineCard(l: LineCounts): HTMLElement {
  const last = l.intervals.at(-1);
  return h(
    'article',
    { class: 'card chart', 'data-line': `${l.camera}/${l.line}` },
    h(
      'div',
      { class: 'title' },
      h('strong', null, `${l.camera} / ${l.line}`),
      h('span', { class: 'muted small' }, t('perInterval')),
    ),
    l.intervals.length === 0 ? h('p', { class: 'muted' }, t('noCounts')) : chart(l),
    h(
      'div',
      { class: 'legend' },
      l.directions.map((d, i) => h('span', null, h('i', { style: `background:${DIR_COLOURS[i]}` }), d)),
    ),
    last ? lastTable(l, last) : null,
    sizeNote(l.size),
  );
}

/**
 * How tall motorcycles are at the line, and a warning where they are too small to be counted well (a note
 * instead while the gateway grows its detection regions for the line).
 */
function sizeNote(size: LineCounts['size']): HTMLElement | null {
  if (!size || size.status === 'unknown') return null;
  const figure = h(
    'p',
    { class: 'muted small' },
    `${t('motoHeight')}: ${size.modelPx} (${size.heightPct} %${size.from === 'cars' ? `, ${t('fromCars')}` : ''})`,
  );
  if (size.status !== 'small') return figure;
  if (size.sizing) {
    return h('div', { class: 'msg info', 'data-size': 'sizing' }, h('p', null, t('lineSizing')), figure);
  }
  return h(
    'div',
    { class: 'msg warn', role: 'alert', 'data-size': 'small' },
    h('strong', null, t('lineTooHigh')),
    h('p', null, size.regionWidth === null ? t('lineTooFar') : t('lineTooHighHint')),
    figure,
    size.regionWidth
      ? h(
          'p',
          { class: 'muted small', 'data-suggest': 'regionWidth' },
          `${t('suggestedWidth')}: ${size.regionWidth}${size.budget ? `, detect.budget ≥ ${size.budget}` : ''}`,
        )
      : null,
  );
}

function chart(l: LineCounts): HTMLElement {
  const items = l.intervals.slice(-60);
  const W = 600;
  const H = 160;
  const max = Math.max(1, ...items.map((i) => i.total));
  const bw = W / Math.max(items.length, 12);
  const bars: SVGElement[] = [];
  items.forEach((iv, k) => {
    let y = H;
    l.directions.forEach((d, di) => {
      const n = Object.values(iv.counts[d] ?? {}).reduce((a, b) => a + b, 0);
      if (n === 0) return;
      const bh = (n / max) * (H - 16);
      y -= bh;
      bars.push(
        svg('rect', {
          x: k * bw + 1,
          y,
          width: Math.max(1, bw - 2),
          height: bh,
          fill: DIR_COLOURS[di] ?? '#999',
        }),
      );
    });
  });
  const bars_ = svg(
    'svg',
    { class: 'bars', viewBox: `0 0 ${W} ${H}`, preserveAspectRatio: 'none', role: 'img' },
    ...bars,
  );
  return h('div', null, h('span', { class: 'muted small' }, `max ${max}`), bars_);
}

function lastTable(l: LineCounts, last: LineCounts['intervals'][number]): HTMLElement {
  const locale = currentLang() === 'vi' ? 'vi-VN' : 'en-GB';
  const from = new Date(last.startMs).toLocaleTimeString(locale);
  const to = new Date(last.endMs).toLocaleTimeString(locale);
  return h(
    'table',
    { class: 'small' },
    h('caption', null, `${from} – ${to}: ${last.total} ${t('total')}`),
    l.directions.map((d) =>
      h(
        'tr',
        null,
        h('th', null, d),
        h(
          'td',
          null,
          Object.entries(last.counts[d] ?? {})
            .map(([c, n]) => `${classLabel(c)} ${n}`)
            .join(', ') || '0',
        ),
      ),
    ),
  );
}
