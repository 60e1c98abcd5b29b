/** The environment variable that turns dev mode on (`sluice serve --dev` sets it). */
export const DEV_MODE_VARIABLE = 'SLUICE_DEV';

/**
 * Whether this process serves in dev mode: failed runs then also send the app's error
 * message and stack to the client. The variable is inherited by replica processes, so
 * every runtime answers alike.
 *
 * @example
 * if (isDevMode()) payload.debug = { message, stack };
 */
export function isDevMode(environment: NodeJS.ProcessEnv = process.env): boolean {
  const value = environment[DEV_MODE_VARIABLE];
  return value === '1' || value === 'true';
}
