// Shown before any file is open.
export function Welcome() {
  return (
    <div className="welcome">
      <h2>Read a livepatch payload before it reaches a host</h2>
      <p>
        Drop one or more payloads (<code>.livepatch</code>) and the <code>xen-syms</code> they target anywhere on this page, paste them, use{" "}
        <b>Open files…</b>, or pick a sample on the left.
      </p>
      <ul>
        <li>Every function the payload replaces, where each pointer comes from, and the exact bytes Xen would write.</li>
        <li>Relocations, symbols, sections, notes, alternatives and exception tables, each linked to its bytes.</li>
        <li>The build-id chain across payloads and images.</li>
      </ul>
      <p className="muted">
        Keys: <kbd>1</kbd>–<kbd>8</kbd> switch views, <kbd>/</kbd> filters, arrows move through tables, <kbd>x</kbd> shows or hides the bytes.
      </p>
    </div>
  );
}
