// Console commands that run Xen's code on the simulated CPUs: `xl info` (the fields that come from
// Xen's own version functions, in xl's layout: the key padded to 23 columns, then ": value") and
// `call SYMBOL [ARG...]` (a function run with integer arguments).
import type { ConsoleTarget, ConsoleXlInfo, Output } from "./target.ts";
import { parseInteger } from "./simcmds.ts";

/** xl_info.c's key column: "%-23s" then ": ". */
export const XL_KEY_WIDTH = 23;
export const MAX_CALL_ARGS = 8;

function usage(out: Output, text: string): number {
  out.err(`usage: ${text}\n`);
  return 1;
}

/** One xl info line: the value, or why the code gave none. */
export function xlInfoLine(f: ConsoleXlInfo["fields"][number]): string {
  const value = f.value ?? `(${f.outcome}${f.detail ? `: ${f.detail}` : ""})`;
  return `${f.key.padEnd(XL_KEY_WIDTH)}: ${value}\n`;
}

export function runXl(hv: ConsoleTarget, out: Output, args: string[]): number {
  if (args.length !== 1 || args[0] !== "info") return usage(out, "xl info (the fields Xen's own functions produce)");
  if (!hv.xlInfo) {
    out.err("xl: this simulator does not run Xen's code\n");
    return 1;
  }
  const info = hv.xlInfo();
  if (info.hostDown) {
    const crashed = info.fields.find((f) => f.outcome === "crashed");
    out.err(crashed ? `xl: Xen crashed answering the version hypercalls: ${crashed.detail?.split("\n")[0] ?? ""} (see dmesg)\n` : "xl: the host is down\n");
    return 1;
  }
  out.out(info.fields.map(xlInfoLine).join(""));
  return 0;
}

function hex(v: bigint): string {
  return `0x${BigInt.asUintN(64, v).toString(16)}`;
}

export function runCall(hv: ConsoleTarget, out: Output, args: string[]): number {
  const use = `call SYMBOL|0xADDR [ARG...] (at most ${MAX_CALL_ARGS} integer arguments)`;
  if (args.length < 1 || args.length > MAX_CALL_ARGS + 1) return usage(out, use);
  const values: bigint[] = [];
  for (const a of args.slice(1)) {
    const v = parseInteger(a);
    if (v === null || v < -(1n << 63n) || v >= 1n << 64n) return usage(out, use);
    values.push(BigInt.asUintN(64, v));
  }
  if (!hv.call) {
    out.err("call: this simulator does not run Xen's code\n");
    return 1;
  }
  const r = hv.call(args[0], values);
  if ("error" in r) {
    out.err(`call: ${r.error}\n`);
    return 1;
  }
  const head = `${args[0]}(${values.map(hex).join(", ")})`;
  if (r.outcome === "returned") {
    out.out(`${head} = ${r.value}${r.string !== undefined ? ` ${JSON.stringify(r.string)}` : ""}\n`);
    return 0;
  }
  if (r.outcome === "crashed") out.err(`${head}: Xen crashed: ${r.detail?.split("\n").join(" / ")}\n`);
  else out.err(`${head}: outcome unknown: ${r.detail}\n`);
  return 1;
}
