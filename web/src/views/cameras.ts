import { type CameraInfo, getJson, imageUrl, sendJson } from '../api.js';
import { clear, h } from '../dom.js';
import { stateLabel, t } from '../i18n.js';
import { ago, errorBox, every, fmt, setImage } from './util.js';

/** Camera dashboard: each camera's state, fps and latest snapshot (with boxes, lines and zones). */
export function camerasPage(root: HTMLElement): () => void {
  const grid = h('div', { class: 'grid', id: 'camera-grid' }, h('p', { class: 'muted' }, t('loading')));
  const status = h('div');
  const form = addCameraForm(status);
  root.append(
    h(
      'header',
      { class: 'head' },
      h('h1', null, t('cameras')),
      h('button', { type: 'button', onclick: () => form.toggleAttribute('hidden') }, t('addCamera')),
    ),
    status,
    form,
    grid,
  );
  const cards = new Map<string, { card: HTMLElement; img: HTMLImageElement; info: HTMLElement }>();

  const stopList = every(2000, async () => {
    let cams: CameraInfo[];
    try {
      cams = await getJson<CameraInfo[]>('/api/cameras');
    } catch (err) {
      clear(grid, errorBox(err));
      cards.clear();
      return;
    }
    if (cams.length === 0) clear(grid, h('p', { class: 'muted' }, t('noCameras')));
    else if (cards.size === 0) grid.replaceChildren();
    for (const cam of cams) {
      let c = cards.get(cam.id);
      if (!c) {
        c = card(cam);
        cards.set(cam.id, c);
        grid.append(c.card);
        picture(cam.id, c.img).catch(() => {}); // now, not at the next picture round (that one retries)
      }
      fill(c, cam);
    }
    for (const [id, c] of cards) {
      if (!cams.some((x) => x.id === id)) {
        c.card.remove();
        cards.delete(id);
      }
    }
  });
  const stopPictures = every(4000, async () => {
    await Promise.all([...cards].map(([id, c]) => picture(id, c.img)));
  });
  return () => {
    stopList();
    stopPictures();
  };
}

async function picture(id: string, img: HTMLImageElement): Promise<void> {
  setImage(img, await imageUrl(`/api/cameras/${encodeURIComponent(id)}/snapshot.jpg`));
}

function card(cam: CameraInfo) {
  const img = h('img', { class: 'thumb', alt: t('noPicture') });
  const info = h('div', { class: 'info' });
  const id = encodeURIComponent(cam.id);
  const card = h(
    'article',
    { class: 'card camera', 'data-camera': cam.id },
    h('div', { class: 'picture' }, img),
    info,
    h(
      'div',
      { class: 'actions' },
      h('a', { class: 'button', href: `#/live/${id}` }, t('live')),
      h('a', { class: 'button', href: `#/editor/${id}` }, t('linesZones')),
      h('a', { class: 'button', href: `#/counts/${id}` }, t('counts')),
    ),
  );
  return { card, img, info };
}

function fill(c: { info: HTMLElement }, cam: CameraInfo): void {
  const fps = cam.fps;
  clear(
    c.info,
    h(
      'div',
      { class: 'title' },
      h('strong', null, cam.name ?? cam.id),
      h('span', { class: `pill ${cam.state}`, 'data-state': cam.state }, stateLabel(cam.state)),
    ),
    h('div', { class: 'muted small' }, cam.id, ' · ', cam.url),
    h(
      'div',
      { class: 'stats' },
      h('span', null, h('b', null, fmt(fps?.frame)), ` ${t('fpsIn')}`),
      h('span', null, h('b', null, fmt(fps?.detect)), ` ${t('fpsDetect')}`),
      h('span', null, h('b', null, cam.lines), ` ${t('lines')}`),
      h('span', null, h('b', null, cam.zones), ` ${t('zones')}`),
      cam.stream
        ? h('span', { class: 'muted' }, `${cam.stream.width}×${cam.stream.height} ${cam.stream.codec}`)
        : null,
      cam.lastFrameAgeMs !== undefined && cam.lastFrameAgeMs > 3000
        ? h('span', { class: 'bad' }, ago(cam.lastFrameAgeMs))
        : null,
    ),
    cam.reason && cam.state !== 'streaming' ? h('div', { class: 'bad small' }, cam.reason) : null,
  );
}

function addCameraForm(status: HTMLElement): HTMLFormElement {
  const id = h('input', {
    name: 'id',
    required: true,
    pattern: '[a-z0-9][a-z0-9_-]{0,63}',
    placeholder: 'cam2',
  });
  const name = h('input', { name: 'name', placeholder: 'QL13 km 12' });
  const url = h('input', {
    name: 'url',
    required: true,
    placeholder: 'rtsp://admin:${CAM2_PASS}@192.168.1.64:554/Streaming/Channels/102',
  });
  const transport = h(
    'select',
    { name: 'transport' },
    h('option', { value: 'tcp' }, 'TCP'),
    h('option', { value: 'udp' }, 'UDP'),
  );
  const form = h(
    'form',
    {
      class: 'card form',
      hidden: true,
      onsubmit: async (e: Event) => {
        e.preventDefault();
        clear(status, h('div', { class: 'msg' }, t('checking')));
        const body: Record<string, unknown> = {
          id: id.value.trim(),
          url: url.value.trim(),
          transport: transport.value,
        };
        if (name.value.trim()) body.name = name.value.trim();
        try {
          await sendJson('POST', '/api/cameras', body);
          clear(status, h('div', { class: 'msg good' }, t('added')));
          form.reset();
          form.hidden = true;
        } catch (err) {
          clear(status, errorBox(err));
        }
      },
    },
    h('label', null, t('id'), id),
    h('label', null, t('name'), name),
    h('label', { class: 'wide' }, t('url'), url),
    h('label', null, t('transport'), transport),
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, t('save')),
      h('button', { type: 'button', onclick: () => (form.hidden = true) }, t('cancel')),
    ),
  );
  return form;
}
