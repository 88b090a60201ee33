import { describe, expect, it } from "vitest";
import { formatHash, parseHash } from "./urlHash.ts";
import type { LoadedFile } from "./store.ts";

const file = (id: string, origin: LoadedFile["origin"]): LoadedFile => ({
  id, name: id, size: 1, origin, status: "ready", progress: null, problem: null, parsed: null, source: null,
});

describe("url hash", () => {
  it("round-trips samples, the selected sample and the view", () => {
    const files = [file("a", { kind: "sample", path: "x86_64/hello.livepatch" }), file("b", { kind: "sample", path: "x86_64/xen-syms" })];
    const hash = formatHash({ files, selectedFileId: "a", view: "functions" });
    expect(hash).toBe("#samples=x86_64/hello.livepatch,x86_64/xen-syms&file=x86_64/hello.livepatch&view=functions");
    expect(parseHash(hash)).toEqual({ samples: ["x86_64/hello.livepatch", "x86_64/xen-syms"], file: "x86_64/hello.livepatch", view: "functions" });
  });

  it("never names a user's own file, only the view", () => {
    const hash = formatHash({ files: [file("u", { kind: "user" })], selectedFileId: "u", view: "symbols" });
    expect(hash).toBe("#view=symbols");
  });

  it("ignores paths that leave the samples folder and unknown views", () => {
    expect(parseHash("#samples=../secret,/etc/passwd,ok/a.livepatch&file=../secret&view=bogus")).toEqual({
      samples: ["ok/a.livepatch"],
      file: null,
      view: null,
    });
  });
});
