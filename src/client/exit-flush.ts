// Flush-on-exit hooks found by feature detection: Node's `beforeExit` and the browser's `pagehide` /
// `visibilitychange`. Imports nothing from Node; in any other runtime it registers nothing.

interface ProcessLike {
  on?(event: "beforeExit", listener: () => void): unknown;
  off?(event: "beforeExit", listener: () => void): unknown;
}
interface EventTargetLike {
  addEventListener?(type: string, listener: () => void): void;
  removeEventListener?(type: string, listener: () => void): void;
  document?: { visibilityState?: string } & EventTargetLike;
}

/** What a page or process is doing when it asks for a flush. */
export type ExitKind = "process-exit" | "page-hide";

/**
 * Calls `onExit("process-exit")` on each Node `beforeExit` (the event loop ran dry; async work may still run)
 * and `onExit("page-hide")` on `pagehide` or `visibilitychange` to hidden in browsers (only requests started
 * synchronously, with `keepalive`, survive an unload). Returns a function that removes the hooks (idempotent).
 * `registered` tells whether any hook exists, so callers know whether unref'd timers are safe.
 */
export function registerExitFlush(onExit: (kind: ExitKind) => void): { registered: boolean; remove: () => void } {
  const g = globalThis as unknown as { process?: ProcessLike } & EventTargetLike;
  const proc = g.process;
  if (proc !== undefined && typeof proc.on === "function" && typeof proc.off === "function") {
    const listener = () => onExit("process-exit");
    proc.on("beforeExit", listener);
    return { registered: true, remove: () => void proc.off?.("beforeExit", listener) };
  }
  if (typeof g.addEventListener === "function" && typeof g.document === "object") {
    const onHide = () => onExit("page-hide");
    const onVisibility = () => {
      if (g.document?.visibilityState === "hidden") onExit("page-hide");
    };
    const doc = g.document;
    g.addEventListener("pagehide", onHide);
    doc?.addEventListener?.("visibilitychange", onVisibility);
    return {
      registered: true,
      remove: () => {
        g.removeEventListener?.("pagehide", onHide);
        doc?.removeEventListener?.("visibilitychange", onVisibility);
      },
    };
  }
  return { registered: false, remove: () => undefined };
}
