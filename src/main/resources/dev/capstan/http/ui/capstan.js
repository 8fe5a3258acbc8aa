'use strict';
/*
 * Capstan's status page: the list of applications, one application's objects, drift and
 * syncs, and a sync button. Polls the JSON API every two seconds (no build step, no
 * external assets, nothing inline: it runs under the page's strict Content-Security-Policy).
 * Every value is written with textContent, never as HTML.
 */
(function () {
  const POLL_MS = 2000;
  const view = document.getElementById('view');
  const actions = document.getElementById('actions');
  const live = document.getElementById('live');
  let shownRoute;

  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (v !== null && v !== undefined) {
        e.setAttribute(k, v);
      }
    });
    children.flat().forEach(c => e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c))));
    return e;
  }

  function badge(text) {
    return el('span', {class: 'badge b-' + text}, text);
  }

  function revision(r) {
    return r ? r.shortSha + ' ' + (r.subject || '') : '';
  }

  function when(iso) {
    if (!iso) {
      return '';
    }
    const s = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
    return s < 60 ? s + 's ago' : s < 3600 ? Math.floor(s / 60) + 'm ago' : Math.floor(s / 3600) + 'h ago';
  }

  function route() {
    const m = location.hash.match(/^#\/apps\/(.+)$/);
    return m ? decodeURIComponent(m[1]) : null;
  }

  async function getJson(url) {
    const r = await fetch(url, {headers: {Accept: 'application/json'}, cache: 'no-store'});
    if (!r.ok) {
      throw new Error((r.status === 404 ? 'not found' : 'HTTP ' + r.status));
    }
    return r.json();
  }

  function renderList(apps) {
    const rows = apps.map(a => el('tr', {'data-app': a.name},
      el('td', {}, el('a', {href: '#/apps/' + encodeURIComponent(a.name), class: 'app-link'}, a.name)),
      el('td', {}, badge(a.syncStatus)),
      el('td', {}, badge(a.healthStatus)),
      el('td', {}, revision(a.revision)),
      el('td', {}, when(a.lastSyncStartedAt) + ' ', badge(a.phase)),
      el('td', {class: 'msg'}, a.message)));
    const table = el('table', {id: 'apps'},
      el('thead', {}, el('tr', {}, ['Application', 'Sync', 'Health', 'Revision', 'Last sync', 'Message'].map(h => el('th', {}, h)))),
      el('tbody', {}, rows));
    view.replaceChildren(apps.length ? table : el('p', {class: 'none'}, 'No applications yet.'));
  }

  function renderApp(a) {
    const summary = el('dl', {class: 'summary'},
      el('dt', {}, 'Sync'), el('dd', {id: 'app-sync'}, badge(a.syncStatus)),
      el('dt', {}, 'Health'), el('dd', {id: 'app-health'}, badge(a.healthStatus)),
      el('dt', {}, 'Revision'), el('dd', {}, revision(a.revision)),
      el('dt', {}, 'Last sync'), el('dd', {}, when(a.lastSyncStartedAt) + ' ', badge(a.phase), ' ', a.reason || ''),
      el('dt', {}, 'Message'), el('dd', {class: 'msg'}, a.message),
      el('dt', {}, 'Source'), el('dd', {}, a.source + ' · ' + a.repo.url + ' ' + a.repo.ref + ' ' + (a.repo.path || '/')),
      el('dt', {}, 'Destination'), el('dd', {}, a.destination.namespace));
    const objects = a.objects.length ? el('table', {id: 'objects'},
      el('thead', {}, el('tr', {}, ['Kind', 'Namespace', 'Name', 'Health', 'Message'].map(h => el('th', {}, h)))),
      el('tbody', {}, a.objects.map(o => el('tr', {'data-object': o.object},
        el('td', {}, o.kind), el('td', {}, o.namespace), el('td', {}, o.name),
        el('td', {}, badge(o.health)), el('td', {class: 'msg'}, o.message)))))
      : el('p', {id: 'objects', class: 'none'}, 'No objects followed yet.');
    const drift = el('section', {id: 'drift'}, a.drift.length ? a.drift.map(d => el('div', {class: 'drift-item', 'data-object': d.object},
      el('strong', {}, d.object), ' ', badge(d.state), ' ', d.paths.join(', '),
      el('pre', {class: 'diff'}, d.diff || ''))) : el('p', {class: 'none'}, 'No drift.'));
    const history = el('table', {id: 'history'},
      el('thead', {}, el('tr', {}, ['Revision', 'Started', 'Took', 'Outcome', 'Summary'].map(h => el('th', {}, h)))),
      el('tbody', {}, a.history.map(h => el('tr', {},
        el('td', {}, revision(h.revision)), el('td', {}, when(h.startedAt)), el('td', {}, h.durationSeconds + 's'),
        el('td', {}, badge(h.phase), ' ', h.reason || ''), el('td', {class: 'msg'}, h.summary || h.message)))));
    view.replaceChildren(el('h2', {id: 'app-name'}, a.name), summary,
      el('h2', {}, 'Drift'), drift, el('h2', {}, 'Objects'), objects, el('h2', {}, 'Last syncs'), history);
  }

  /** The sync form lives outside the polled view, so typing the token is never interrupted. */
  function renderActions(name) {
    if (!name) {
      actions.replaceChildren();
      return;
    }
    const token = el('input', {id: 'token', type: 'password', placeholder: 'sync token', autocomplete: 'off'});
    token.value = sessionStorage.getItem('capstan-token') || '';
    const result = el('span', {id: 'sync-result'});
    const form = el('form', {id: 'sync-form'}, el('a', {href: '#'}, '← all applications'), token,
      el('button', {id: 'sync', type: 'submit'}, 'Sync now'), result);
    form.addEventListener('submit', async ev => {
      ev.preventDefault();
      sessionStorage.setItem('capstan-token', token.value);
      result.textContent = 'asking…';
      try {
        const r = await fetch('/api/v1/applications/' + encodeURIComponent(name) + '/sync',
          {method: 'POST', headers: {Authorization: 'Bearer ' + token.value}});
        const body = await r.json().catch(() => ({}));
        result.textContent = r.status === 202 ? 'sync triggered' : (body.error || 'HTTP ' + r.status);
      } catch (e) {
        result.textContent = 'cannot reach the agent: ' + e.message;
      }
    });
    actions.replaceChildren(form);
  }

  async function refresh() {
    const name = route();
    if (name !== shownRoute) {
      shownRoute = name;
      renderActions(name);
    }
    try {
      if (name) {
        renderApp(await getJson('/api/v1/applications/' + encodeURIComponent(name)));
      } else {
        renderList(await getJson('/api/v1/applications'));
      }
      live.textContent = 'live · ' + new Date().toLocaleTimeString();
      live.className = '';
    } catch (e) {
      live.textContent = (name ? name + ': ' : '') + e.message;
      live.className = 'error';
    }
  }

  window.addEventListener('hashchange', refresh);
  setInterval(refresh, POLL_MS);
  refresh();
})();
