// Child side of ServerChild.loopDelay(): how late the server's event loop ran, so that a
// delivery tail can be told apart from a machine too busy to run the generator or the server.
import { monitorEventLoopDelay } from 'node:perf_hooks';

/** Answers the parent's 'loop' message with the event-loop delay since the last one (ms). */
export function answerLoopDelay(): void {
  // 5 ms sampling: blocking of a few ms still shows, at 200 timer wake-ups a second.
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  process.on('message', (m: unknown) => {
    if (m !== 'loop') return;
    process.send?.({ loop: { p99: h.percentile(99) / 1e6, max: h.max / 1e6 } });
    h.reset();
  });
}
