// The left navigation: the runs list, and when a run is open, its views with the current
// node/selection carried along.

import { h, clear } from './dom.js';
import { runHash } from '../route.js';
import { RUN_VIEWS, DEFAULT_VIEW } from '../pages/run_views.js';

export function renderSidebar(el, route, { rootUrl }) {
  clear(el);
  el.append(h('div', { class: 'brand' }, 'acc ', h('span', { class: 'muted' }, 'viewer')));
  el.append(h('a', { href: '#/', class: `nav-link ${route.page === 'runs' ? 'active' : ''}`, dataset: { testid: 'nav-runs' } }, 'Runs'));
  if (route.page === 'run') {
    const keep = { ...route.params };
    delete keep.view;
    el.append(h('div', { class: 'nav-run', title: route.runId }, route.runId));
    const active = route.params.view || DEFAULT_VIEW;
    for (const v of RUN_VIEWS)
      el.append(h('a', { href: runHash(route.runId, { ...keep, view: v.id }), class: `nav-link nav-sub ${active === v.id ? 'active' : ''}`, dataset: { testid: `nav-${v.id}` } }, v.label));
  }
  el.append(h('div', { class: 'nav-foot muted small', title: decodeURI(rootUrl) }, 'root: ', decodeURI(rootUrl).replace(/^file:\/\//, '')));
}
