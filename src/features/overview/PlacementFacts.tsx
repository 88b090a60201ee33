// Where the payload lands, whether it can be applied again after a revert, and whether REPLACE
// takes it: all Xen's answers, so they come from the audit's simulated hypervisor (the same placement the Sections and
// Functions views and the simulator use), never from a second computation here.
import { usePlacement } from "../placement/usePlacement.ts";
import { counted } from "../format.ts";

export function PlacementFacts({ fileId }: { fileId: string }) {
  const { at, running } = usePlacement(fileId);
  const p = at?.placement ?? null;
  const source = at ? (at.assumed ? "a stand-in Xen (no image loaded: addresses assumed)" : `${at.imageFile}`) : "";
  return (
    <>
      <dt>Placement</dt>
      <dd className="mono" data-testid="placement">
        {!at && <span className="muted sans">{running ? "placing in the simulated hypervisor…" : "not placed"}</span>}
        {at && !p && <span className="bad sans">Not placed: {at.reason ?? "the upload failed"}</span>}
        {p && (
          <>
            text {p.payload.regions.text.addr} ({p.payload.regions.text.size} B) · rw {p.payload.regions.rw.addr} ({p.payload.regions.rw.size} B) · ro {p.payload.regions.ro.addr} ({p.payload.regions.ro.size} B) · {counted(p.payload.pages, "page")}
            <div className="muted sans">Placed by the simulated hypervisor booted from {source}.</div>
          </>
        )}
      </dd>
      <dt>Re-apply</dt>
      <dd>
        {!p ? (
          <span className="muted">known once placed</span>
        ) : p.payload.safeToReapply ? (
          <span className="ok">safe to re-apply after revert</span>
        ) : (
          <span className="warn">not safe to re-apply after revert (it has writable data)</span>
        )}
      </dd>
      <dt>REPLACE</dt>
      <dd>
        {!p ? (
          <span className="muted">known once placed</span>
        ) : p.payload.vetoing ? (
          <span className="warn">refused (−EOPNOTSUPP): it has pre/post apply/revert hooks</span>
        ) : (
          <span className="ok">possible, while no applied payload has pre/post hooks</span>
        )}
      </dd>
    </>
  );
}
