// The host panicked at or before the cursor: a slide's or an embed's panels show Xen as it was when
// it stopped (dimmed, presenter.css), not a live host, and each says so. The fact is the snapshot's
// `halted`, the one the simulator page's header shows as "host halted (panic)".
export function Halted() {
  return <span className="sl-halted">Xen halted (panic)</span>;
}
