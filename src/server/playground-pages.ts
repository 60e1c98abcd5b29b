/** The two pages the gateway serves around the bundled scripts. */
export type PlaygroundPage = 'main' | 'docs';

const TITLES: Record<PlaygroundPage, string> = {
  main: 'sluice playground',
  docs: 'sluice API docs',
};

/**
 * The HTML shell of a page: no content of its own, only the bundle that renders it. Every
 * URL in it is on this server, so the page works offline.
 *
 * @example
 * reply.type('text/html').send(pageHtml('docs'));
 */
export function pageHtml(page: PlaygroundPage): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${TITLES[page]}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/playground/${page}.css">
<script type="module" src="/playground/${page}.js"></script>
</head>
<body><noscript>The playground needs JavaScript.</noscript></body>
</html>
`;
}
