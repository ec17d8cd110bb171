/**
 * The page's main thread in pieces: work that would hold it for more than 50 ms
 * (a long task: input waits and frames are dropped; `npm run bench` counts them)
 * yields between its pieces.
 */

const scheduler = (globalThis as { scheduler?: { yield?: () => Promise<void> } }).scheduler;
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();

/**
 * Lets the page handle input and paint before the caller goes on in a new task.
 * scheduler.yield resumes ahead of other queued work; a message is the fallback,
 * not setTimeout(0), which a chain of more than five clamps to 4 ms each and would
 * slow every streamed frame.
 */
export function yieldToPage(): Promise<void> {
  if (scheduler?.yield) return scheduler.yield();
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
