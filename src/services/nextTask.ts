// A macrotask boundary for long page-side work: lets the browser paint and handle input between
// slices. A MessageChannel post is not clamped like nested setTimeout(0) (4 ms after 5 levels).
const channel = typeof MessageChannel === "function" ? new MessageChannel() : null;
const waiting: (() => void)[] = [];
if (channel) channel.port1.onmessage = () => waiting.shift()?.();

export function nextTask(): Promise<void> {
  return new Promise((resolve) => {
    if (!channel) {
      setTimeout(resolve, 0);
      return;
    }
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });
}
