import { useLens } from "../../state/store.ts";

// The bundled demo a first-time visitor can open in one click: the x86-64 sample image and the
// hello-world payload that patches its xen_extra_version.
const DEMO_IMAGE = "x86_64/xen-syms";
const DEMO_PAYLOAD = "x86_64/xen_hello_world.livepatch";

async function openDemo(): Promise<void> {
  const { files } = useLens.getState();
  await files.loadSample(DEMO_IMAGE);
  await files.loadSample(DEMO_PAYLOAD);
}

// Shown before any file is open.
export function Welcome() {
  return (
    <div className="welcome">
      <h2>Read a livepatch payload before it reaches a host</h2>
      <p>
        Drop one or more payloads (<code>.livepatch</code>) and the <code>xen-syms</code> they target anywhere on this page, paste them, use{" "}
        <b>Open files…</b>, or pick a sample on the left.
      </p>
      <div className="welcome-start" role="group" aria-label="Start here">
        <button type="button" className="primary" onClick={() => void openDemo()}>
          Inspect the hello-world payload
        </button>
        <a className="button" href="#scenario=hello-world">
          Watch Xen apply it, step by step
        </a>
      </div>
      <ul>
        <li>Every function the payload replaces, where each pointer comes from, and the exact bytes Xen would write.</li>
        <li>Relocations, symbols, sections, notes, alternatives and exception tables, each linked to its bytes.</li>
        <li>The build-id chain across payloads and images, and an audit: would this Xen accept it?</li>
        <li>A simulated Xen (WebAssembly) that uploads, applies, reverts, replaces and unloads, with guided scenarios and a presenter mode.</li>
      </ul>
      <p className="muted">
        Keys: <kbd>1</kbd>–<kbd>8</kbd> switch views, <kbd>/</kbd> filters, arrows move through tables, <kbd>x</kbd> shows or hides the bytes.
      </p>
    </div>
  );
}
