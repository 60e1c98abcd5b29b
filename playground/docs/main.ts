import '../styles.css';
import { element } from '../dom.js';
import { renderOpenApi, type OpenApiDocument } from './render-openapi.js';

async function main(): Promise<void> {
  const response = await fetch('/openapi.json');
  if (!response.ok) throw new Error(`GET /openapi.json answered ${response.status}`);
  const openapi = (await response.json()) as OpenApiDocument;
  const header = element(
    'header',
    {},
    element('h1', {}, 'sluice API docs'),
    element('a', { href: '/' }, 'Playground'),
  );
  document.title = openapi.info?.title ?? 'API docs';
  document.body.classList.add('docs');
  document.body.replaceChildren(header, renderOpenApi(openapi));
}

main().catch((error: unknown) => {
  document.body.replaceChildren(
    element('p', { class: 'fatal' }, `The docs failed to load: ${String(error)}`),
  );
});
