// How every reader of a format error (page toast, audit, CLI) names the byte it is about: once.
import { describe, expect, it } from "vitest";
import { locatedMessage } from "./errors.ts";

describe("locatedMessage", () => {
  it("adds the byte when the message does not name it", () => {
    expect(locatedMessage("file is 3 bytes, too short for the ELF magic", "TRUNCATED_HEADER", 3)).toBe("file is 3 bytes, too short for the ELF magic at byte 0x3 (TRUNCATED_HEADER)");
  });
  it("does not repeat a byte the message already names", () => {
    expect(locatedMessage("not an ELF file: bad magic byte 0x23 at byte 0x0", "NOT_ELF", 0)).toBe("not an ELF file: bad magic byte 0x23 at byte 0x0 (NOT_ELF)");
  });
  it("a longer number that starts with the same digits is not the same byte", () => {
    expect(locatedMessage("section header offset 0x10a80 is past the end", "SHOFF_PAST_END", 0x10)).toBe("section header offset 0x10a80 is past the end at byte 0x10 (SHOFF_PAST_END)");
  });
  it("with no offset, only the code", () => {
    expect(locatedMessage("cannot read", "READ_FAILED", null)).toBe("cannot read (READ_FAILED)");
  });
});
