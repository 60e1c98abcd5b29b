import './styles.css';
import { renderAppList } from './app-list.js';
import { fetchCatalog } from './catalog.js';
import { element } from './dom.js';
import { EndpointView } from './endpoint-view.js';
import { connect } from './sluice-connection.js';
import { readUrlState } from './url-state.js';

const KEY_STORAGE = 'sluice.apiKey';

function apiKeyInput(): HTMLInputElement {
  const input = element('input', {
    type: 'password',
    class: 'api-key',
    placeholder: 'API key, if the server needs one',
    'aria-label': 'API key',
    autocomplete: 'off',
  });
  input.value = sessionStorage.getItem(KEY_STORAGE) ?? '';
  input.addEventListener('change', () => sessionStorage.setItem(KEY_STORAGE, input.value.trim()));
  return input;
}

async function main(): Promise<void> {
  const apps = await fetchCatalog();
  const state = readUrlState();
  const app = apps.find((candidate) => candidate.id === state.app) ?? apps[0];
  const endpoint =
    app?.endpoints.find((candidate) => candidate.path === state.path) ?? app?.endpoints[0];
  const key = apiKeyInput();
  const header = element(
    'header',
    {},
    element('h1', {}, 'sluice playground'),
    element('a', { href: '/docs' }, 'API docs'),
    key,
  );
  const nav = element(
    'nav',
    {},
    renderAppList(apps, { appId: app?.id ?? '', path: endpoint?.path ?? '' }),
  );
  const workspace = element('main', {});
  document.body.replaceChildren(header, element('div', { class: 'layout' }, nav, workspace));
  if (app === undefined || endpoint === undefined) {
    workspace.append(element('p', {}, 'This server serves no apps.'));
    return;
  }
  const view = new EndpointView({
    app,
    endpoint,
    connect: () => connect(key.value.trim()),
    hasApiKey: () => key.value.trim() !== '',
  });
  key.addEventListener('input', () => view.refreshSnippets());
  workspace.append(view.element);
  if (state.request !== undefined && state.app === app.id) view.resume(state.request);
}

main().catch((error: unknown) => {
  document.body.replaceChildren(
    element('p', { class: 'fatal' }, `The playground failed to load: ${String(error)}`),
  );
});
