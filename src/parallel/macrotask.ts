/**
 * A promise that resolves in a later event-loop task (not a microtask): what lets I/O callbacks,
 * dynamic imports and worker messages run between calls that never wait on anything else.
 */
export function nextMacrotask(): Promise<void> {
  const { setImmediate } = globalThis as { setImmediate?: (callback: () => void) => unknown };
  if (typeof setImmediate === 'function') return new Promise((resolve) => void setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    // not setTimeout(0): browsers clamp nested timeouts to 4 ms
    const channel = new MessageChannel();
    return new Promise((resolve) => {
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}
