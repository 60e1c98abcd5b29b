import { element } from './dom.js';

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard !== undefined) {
    try {
      await navigator.clipboard.writeText(text);
      return;
    } catch {
      // Denied (no permission, not focused): fall back on a selection below.
    }
  }
  const scratch = element('textarea', { class: 'scratch', readonly: true });
  scratch.value = text;
  document.body.append(scratch);
  scratch.select();
  document.execCommand('copy');
  scratch.remove();
}

/**
 * A Copy button: copies what `text()` answers at click time and says so for a moment.
 *
 * @example
 * panel.append(copyButton(() => JSON.stringify(result, null, 2)));
 */
export function copyButton(text: () => string, label = 'Copy'): HTMLButtonElement {
  const button = element('button', { type: 'button', class: 'copy' }, label);
  button.addEventListener('click', () => {
    void copyText(text()).then(() => {
      button.textContent = 'Copied';
      setTimeout(() => (button.textContent = label), 1200);
    });
  });
  return button;
}
