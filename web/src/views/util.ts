import { ApiError } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';

/** Runs `tick` now and every `ms` while the page is shown; returns the stop function. */
export function every(ms: number, tick: () => Promise<void> | void): () => void {
  let stopped = false;
  let timer: number | undefined;
  const run = async () => {
    try {
      await tick();
    } finally {
      if (!stopped) timer = window.setTimeout(run, ms);
    }
  };
  void run();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
  };
}

/** An error as the technician should read it: the box's message and each problem with its path. */
export function errorBox(err: unknown): HTMLElement {
  if (err instanceof ApiError) {
    const items = [
      ...(err.body.problems ?? []).map((p) => `${p.path}: ${p.message}`),
      ...(err.body.failures ?? []),
      ...(typeof err.body.detail === 'string' ? [err.body.detail] : []),
    ];
    const head = err.body.status === 'rolled_back' ? t('rolledBack') : err.message;
    return h(
      'div',
      { class: 'msg bad', role: 'alert' },
      h('strong', null, head),
      items.length
        ? h(
            'ul',
            null,
            items.map((i) => h('li', null, i)),
          )
        : null,
    );
  }
  return h('div', { class: 'msg bad', role: 'alert' }, `${t('error')}: ${(err as Error).message}`);
}

export function ago(ms: number | undefined): string {
  if (ms === undefined) return '–';
  if (ms < 1000) return `<1 s`;
  const s = Math.round(ms / 1000);
  return s < 120 ? `${s} s` : `${Math.round(s / 60)} min`;
}

export function fmt(n: number | undefined, digits = 1): string {
  return n === undefined ? '–' : n.toFixed(digits);
}

/** Keeps one object URL per image element, revoking the one it replaces. */
export function setImage(img: HTMLImageElement, url: string | undefined): void {
  if (!url) return;
  const old = img.dataset.objectUrl;
  img.src = url;
  img.dataset.objectUrl = url;
  if (old) URL.revokeObjectURL(old);
}
