// An audit that cannot finish still answers (QA s29 #2): a decoder, a host or a review that throws
// gives the error finding audit-incomplete first, what was found before it, a reject verdict and a
// whole JSON document with every documented key: never an exception, never a pass.
import { beforeAll, describe, expect, it } from "vitest";
import { nodeAuditHost } from "../cli/auditHost.ts";
import { runAudit, toJson, RULES, type AuditHost } from "./index.ts";
import { unavailableHost } from "./host.ts";
import { sample } from "./test-support/samples.ts";

const IMAGE = { file: "x86_64/xen-syms", bytes: sample("x86_64/xen-syms") };
const HELLO = { file: "x86_64/xen_hello_world.livepatch", bytes: sample("x86_64/xen_hello_world.livepatch"), role: "apply" as const };

let host: AuditHost;
beforeAll(async () => {
  host = await nodeAuditHost();
});

/** The README's audit --json keys (a contract: never renamed). */
const KEYS = ["verdict", "reason", "findings", "files", "steps", "halted", "rollback"];
const ROLLBACK_KEYS = ["exercised", "payloads", "reverted", "ok", "halted", "failedAt", "skipped", "steps"];

function expectDocument(json: string): Record<string, unknown> {
  const j = JSON.parse(json) as Record<string, unknown>;
  for (const k of KEYS) expect(j, k).toHaveProperty(k);
  for (const k of ROLLBACK_KEYS) expect(j.rollback, k).toHaveProperty(k);
  return j;
}

describe("an audit that cannot finish", () => {
  it("a decoder that throws: audit-incomplete first, the plan's steps and findings kept, reject", async () => {
    const r = await runAudit({ image: IMAGE, files: [HELLO] }, host, {
      decoder: async () => () => {
        throw "Capstone.js: Function cs_disasm failed with code 1:\nOut-Of-Memory error (CS_ERR_MEM)";
      },
    });
    expect(r.verdict).toBe("reject");
    expect(r.findings[0]).toMatchObject({ id: "audit-incomplete", severity: "error", why: RULES["audit-incomplete"].why });
    expect(r.findings[0].message).toBe(
      "the audit could not finish (internal error: Capstone.js: Function cs_disasm failed with code 1:\nOut-Of-Memory error (CS_ERR_MEM)); what it found before that is listed below",
    );
    expect(r.reason).toBe(r.findings[0].message);
    // The plan ran before the review that threw: its steps are reported.
    expect(r.steps.map((s) => `${s.op} ${s.name} ${s.ret}`)).toEqual(["upload xen_hello_world 0", "apply xen_hello_world 0"]);
    expect(r.rollback).toMatchObject({ exercised: false, skipped: "the audit could not finish" });
    expect(r.files.map((f) => f.file)).toEqual([HELLO.file]);
    expectDocument(toJson(r));
  });

  it("a host that cannot start: audit-incomplete, every file named, a whole document", async () => {
    const r = await runAudit({ image: IMAGE, files: [HELLO] }, unavailableHost(new Error("wasm failed to load")));
    expect(r.verdict).toBe("reject");
    expect(r.findings.map((f) => f.id)).toEqual(["audit-incomplete"]);
    expect(r.reason).toBe("the audit could not finish (internal error: wasm failed to load); what it found before that is listed below");
    expect(r.steps).toEqual([]);
    expect(r.halted).toBe(false);
    const j = expectDocument(toJson(r));
    expect(j.files).toMatchObject([{ file: HELLO.file, name: "xen_hello_world", role: "apply" }]);
    expect(j.image).toMatchObject({ file: IMAGE.file });
  });
});
