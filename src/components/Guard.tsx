// An error boundary around one part of the page (a view, the hex dock, a simulator panel): if
// rendering it throws, that part alone shows what failed and a Retry, and everything else (the
// loaded files, the other parts) keeps working. `resetKeys` clear it when its input changes
// (another file, another view).
import { useEffect, type ReactNode } from "react";
import { ErrorBoundary, type FallbackProps } from "react-error-boundary";
import { testFault, testFaultShown } from "./testFault.ts";

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name === "Error" ? "" : `${error.name}: `}${error.message}`;
  return String(error);
}

function Failed({ what, error, resetErrorBoundary }: FallbackProps & { what: string }) {
  useEffect(() => {
    if (import.meta.env.MODE === "e2e") testFaultShown(what);
  }, [what]);
  return (
    <div className="guard-failed" role="alert" data-guard={what}>
      <p>
        <b>The {what} failed to show.</b> The rest of the page and your files are unaffected.
      </p>
      <p className="mono guard-message">{messageOf(error)}</p>
      <button type="button" className="small" onClick={resetErrorBoundary}>
        Retry
      </button>
    </div>
  );
}

/** Trips only in an e2e build, when a test asked this part to fail (see src/testHooks.ts). */
function Probe({ what }: { what: string }) {
  if (import.meta.env.MODE === "e2e") testFault(what);
  return null;
}

export function Guard({ what, resetKeys, children }: { what: string; resetKeys?: unknown[]; children: ReactNode }) {
  return (
    <ErrorBoundary fallbackRender={(p) => <Failed what={what} {...p} />} resetKeys={resetKeys}>
      <Probe what={what} />
      {children}
    </ErrorBoundary>
  );
}
