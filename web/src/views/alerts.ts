import { ApiError, getJson, imageUrl, sendJson } from '../api.js';
import { clear, h } from '../dom.js';
import { currentLang, t } from '../i18n.js';
import { notConfigured } from './sensors.js';
import { errorBox, every, setImage } from './util.js';

/** GET /api/alerts, as docs/api.md defines it. */
interface Alert {
  id: string;
  type: string;
  severity: string;
  /** Vietnamese and English title; older boxes send only the type. */
  title?: { vi: string; en: string };
  source?: string;
  detail?: string;
  startedAt: string;
  endedAt?: string | null;
  acknowledgedAt?: string | null;
  evidence?: string | null;
}

/** Open and recent alerts with their evidence pictures; open ones can be acknowledged. */
export function alertsPage(root: HTMLElement): () => void {
  const body = h('div', { id: 'alerts' }, h('p', { class: 'muted' }, t('loading')));
  root.append(h('header', { class: 'head' }, h('h1', null, t('alerts'))), body);
  const refresh = async () => {
    try {
      const a = await getJson<{ open: Alert[]; recent: Alert[] }>('/api/alerts');
      clear(
        body,
        h('h2', null, `${t('open')} (${a.open.length})`),
        a.open.length
          ? h(
              'div',
              { class: 'grid' },
              a.open.map((x) => card(x, refresh)),
            )
          : h('p', { class: 'muted' }, t('noAlerts')),
        h('h2', null, t('recent')),
        a.recent.length
          ? h(
              'div',
              { class: 'grid' },
              a.recent.map((x) => card(x, refresh)),
            )
          : h('p', { class: 'muted' }, t('noAlerts')),
      );
    } catch (err) {
      if (err instanceof ApiError && err.status === 404) clear(body, notConfigured(t('notConfiguredAlerts')));
      else clear(body, errorBox(err));
    }
  };
  return every(5000, refresh);
}

function card(a: Alert, refresh: () => Promise<void>): HTMLElement {
  const img = h('img', { class: 'thumb', alt: t('evidence') });
  if (a.evidence) void imageUrl(a.evidence).then((u) => setImage(img, u));
  return h(
    'article',
    { class: `card alert ${a.severity}` },
    a.evidence ? h('div', { class: 'picture' }, img) : null,
    h(
      'div',
      { class: 'title' },
      h('strong', null, a.title ? a.title[currentLang()] : a.type),
      h('span', { class: `pill ${a.severity}` }, a.severity),
    ),
    h('div', { class: 'small' }, a.detail ?? ''),
    h('div', { class: 'muted small' }, `${a.source ?? ''} · ${new Date(a.startedAt).toLocaleString()}`),
    a.acknowledgedAt
      ? h('div', { class: 'good small' }, t('acked'))
      : a.endedAt
        ? null
        : h(
            'button',
            {
              type: 'button',
              onclick: async () => {
                await sendJson('POST', `/api/alerts/${encodeURIComponent(a.id)}/ack`).catch(() => {});
                await refresh();
              },
            },
            t('ack'),
          ),
  );
}
