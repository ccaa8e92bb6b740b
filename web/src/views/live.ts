import JSMpeg from '@cycjimmy/jsmpeg-player';
import { sendJson } from '../api.js';
import { clear, h } from '../dom.js';
import { t } from '../i18n.js';
import { errorBox } from './util.js';

interface LiveAnswer {
  url: string;
  width: number;
  height: number;
}

/** Live view: asks the box for a relay (it answers why when the camera gives none), plays it with JSMpeg. */
export function livePage(root: HTMLElement, [cameraId = '']: string[]): () => void {
  const canvas = h('canvas', { class: 'live', id: 'live-canvas' });
  const state = h('div', { class: 'msg', id: 'live-state' }, t('liveConnecting'));
  root.append(
    h(
      'header',
      { class: 'head' },
      h('a', { href: '#/cameras' }, t('back')),
      h('h1', null, `${t('live')}: ${cameraId}`),
    ),
    state,
    h('div', { class: 'picture wide' }, canvas),
  );
  let player: { destroy(): void } | undefined;
  let stopped = false;
  const connect = async () => {
    clear(state, t('liveConnecting'));
    state.className = 'msg';
    try {
      const live = await sendJson<LiveAnswer>('POST', `/api/cameras/${encodeURIComponent(cameraId)}/live`);
      if (stopped) return;
      canvas.width = live.width;
      canvas.height = live.height;
      const ws = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${live.url}`;
      player = new JSMpeg.Player(ws, {
        canvas,
        audio: false,
        reconnectInterval: 0,
        onSourceEstablished: () => {
          clear(state, h('span', { class: 'pill streaming' }, t('liveOn')));
          state.className = 'msg good';
        },
        onSourceCompleted: () => ended(),
        // Decoded frames, for whoever checks that the picture moves (the console test).
        onVideoDecode: () => {
          canvas.dataset.frames = String(Number(canvas.dataset.frames ?? 0) + 1);
        },
      });
    } catch (err) {
      clear(
        state,
        errorBox(err),
        h('button', { type: 'button', onclick: () => void connect() }, t('reconnect')),
      );
      state.className = '';
    }
  };
  const ended = () => {
    if (stopped) return;
    clear(
      state,
      t('liveEnded'),
      ' ',
      h('button', { type: 'button', onclick: () => void connect() }, t('reconnect')),
    );
  };
  void connect();
  return () => {
    stopped = true;
    player?.destroy();
  };
}
