// The JSON the wasm writes for a payload's details, its patch preview and its events, with a
// payload name carrying every character JSON must escape: each answer parses, and the name comes
// back exactly as it was uploaded (the xen-livepatch tool passes any bytes Xen's get_name() takes).
import { describe, expect, it } from "vitest";
import { booted, eventsOf, sample } from "./harness.ts";

const NAME = 'q"b\\s\nn\u0001c\u001fend';

describe("JSON text from the wasm", () => {
  it("escapes quotes, backslashes and control characters in a name, in details, preview and events", async () => {
    const hv = await booted("x86_64");
    expect(hv.upload(NAME, sample("x86_64/xen_hello_world.livepatch"))).toBe(0);
    const d = hv.payload(NAME)!;
    expect(d.name).toBe(NAME);
    expect(d.state).toBe("CHECKED");
    // readelf -sW public/samples/x86_64/xen_hello_world.livepatch: xen_hello_world is a FUNC of 8 bytes.
    expect(d.symbols.find((s) => s.name === "xen_hello_world")?.size).toBe(8);
    expect(hv.previewPatch(NAME)!.map((p) => p.name)).toEqual(["xen_extra_version"]);
    expect(eventsOf(hv, "state").map((e) => [e.payload, e.state])).toEqual([[NAME, "CHECKED"]]);
  });

});
