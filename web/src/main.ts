import './style.css';
import { setToken, setUnauthorizedHandler, token, tokenWorks } from './api.js';
import { clear, h } from './dom.js';
import { currentLang, type Key, setLang, t } from './i18n.js';
import { alertsPage } from './views/alerts.js';
import { camerasPage } from './views/cameras.js';
import { countsPage } from './views/counts.js';
import { editorPage } from './views/editor.js';
import { livePage } from './views/live.js';
import { sensorsPage } from './views/sensors.js';

/** A page of the console: fills `root`, returns what to stop when the technician leaves it. */
export type Page = (root: HTMLElement, args: string[]) => (() => void) | undefined;

const PAGES: Record<string, Page> = {
  cameras: camerasPage,
  live: livePage,
  editor: editorPage,
  counts: countsPage,
  sensors: sensorsPage,
  alerts: alertsPage,
};
const NAV: [string, Key][] = [
  ['cameras', 'cameras'],
  ['counts', 'counts'],
  ['sensors', 'sensors'],
  ['alerts', 'alerts'],
];

const app = document.getElementById('app')!;
let dispose: (() => void) | undefined;
let signingIn = false;

function route(): void {
  dispose?.();
  dispose = undefined;
  const [name = 'cameras', ...args] = location.hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const page = PAGES[name] ?? camerasPage;
  const main = h('main', { class: 'page' });
  const section = name in PAGES ? name : 'cameras';
  const nav = h(
    'nav',
    { class: 'nav' },
    h('a', { class: 'brand', href: '#/cameras' }, 'ioc-edge'),
    h(
      'div',
      { class: 'tabs' },
      NAV.map(([p, key]) =>
        h(
          'a',
          {
            href: `#/${p}`,
            class: section === p || (p === 'cameras' && !NAV.some(([n]) => n === section)) ? 'tab on' : 'tab',
          },
          t(key),
        ),
      ),
    ),
    h(
      'button',
      {
        class: 'lang',
        type: 'button',
        onclick: () => {
          setLang(currentLang() === 'vi' ? 'en' : 'vi');
          route();
        },
      },
      t('language'),
    ),
  );
  clear(app, nav, main);
  dispose = page(main, args) ?? undefined;
}

function signIn(wrong = false): void {
  if (signingIn) return;
  signingIn = true;
  dispose?.();
  dispose = undefined;
  const input = h('input', {
    type: 'password',
    id: 'token',
    autocomplete: 'current-password',
    required: true,
  });
  const form = h(
    'form',
    {
      class: 'card signin',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        const candidate = input.value.trim();
        if (await tokenWorks(candidate)) {
          setToken(candidate);
          signingIn = false;
          route();
        } else {
          signingIn = false;
          signIn(true);
        }
      },
    },
    h('h1', null, 'ioc-edge'),
    h('p', null, t('tokenNeeded')),
    h('label', { for: 'token' }, t('token')),
    input,
    wrong ? h('p', { class: 'bad' }, t('wrongToken')) : null,
    h('button', { type: 'submit', class: 'primary' }, t('signIn')),
  );
  clear(app, h('main', { class: 'page' }, form));
  input.focus();
}

setUnauthorizedHandler(() => {
  if (token()) setToken(null);
  signIn(false);
});
window.addEventListener('hashchange', () => {
  if (!signingIn) route();
});
route();
