import type { Line, Zone } from '../api.js';
import { h } from '../dom.js';
import { t, zoneKindLabel } from '../i18n.js';
import { ZONE_COLOUR } from './editor-overlay.js';

const KINDS = ['carriageway', 'no_stopping', 'parking', 'sidewalk', 'generic'];

/** A line's entry in the editor's list: its name and direction names, and delete; `changed` re-renders. */
export function lineItem(l: Line, i: number, lines: Line[], changed: () => void): HTMLElement {
  return h(
    'div',
    { class: 'item', 'data-line': l.id },
    h('span', { class: 'swatch line' }),
    h(
      'label',
      null,
      t('name'),
      input(l.id, (v) => (l.id = v), `line-${i}-id`, changed),
    ),
    h(
      'label',
      null,
      t('dirRight'),
      input(l.directions[0], (v) => (l.directions[0] = v), `line-${i}-dir0`, changed),
    ),
    h(
      'label',
      null,
      t('dirLeft'),
      input(l.directions[1], (v) => (l.directions[1] = v), `line-${i}-dir1`, changed),
    ),
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: () => {
          lines.splice(i, 1);
          changed();
        },
      },
      t('delete'),
    ),
  );
}

/** A zone's entry in the editor's list: its name and kind, and delete; `changed` re-renders. */
export function zoneItem(z: Zone, i: number, zones: Zone[], changed: () => void): HTMLElement {
  const kind = h(
    'select',
    {
      id: `zone-${i}-kind`,
      onchange: () => {
        z.kind = kind.value;
        changed();
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
      input(z.id, (v) => (z.id = v), `zone-${i}-id`, changed),
    ),
    h('label', null, t('kind'), kind),
    h(
      'button',
      {
        type: 'button',
        class: 'danger',
        onclick: () => {
          zones.splice(i, 1);
          changed();
        },
      },
      t('delete'),
    ),
  );
}

function input(value: string, set: (v: string) => void, id: string, changed: () => void): HTMLInputElement {
  const el = h('input', {
    value,
    id,
    pattern: '[a-z0-9][a-z0-9_-]{0,63}',
    autocapitalize: 'off',
    spellcheck: 'false',
  });
  el.addEventListener('change', () => {
    set(el.value.trim());
    changed();
  });
  return el;
}
