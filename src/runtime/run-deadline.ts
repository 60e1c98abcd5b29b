/**
 * The run deadline that applies to one request: the endpoint's `timeoutSeconds`, shortened
 * by the client's `x-sluice-run-timeout` where that asks for less. A client can never make
 * a run outlive the app's own deadline; `undefined` means no deadline at all.
 *
 * @example
 * runDeadlineSeconds(600, 30); // 30
 * runDeadlineSeconds(10, 30); // 10
 * runDeadlineSeconds(undefined, 5); // 5
 */
export function runDeadlineSeconds(
  appSeconds: number | undefined,
  requestedSeconds: number | undefined,
): number | undefined {
  if (requestedSeconds === undefined) return appSeconds;
  if (appSeconds === undefined) return requestedSeconds;
  return Math.min(appSeconds, requestedSeconds);
}
