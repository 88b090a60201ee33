// What the CLI writes to a terminal: never a control character that drives it.
import { escapeName } from "../livepatch/label.ts";

// eslint-disable-next-line no-control-regex
const DRIVES_TERMINAL = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

/**
 * `text` with every control character but newline and tab (C0, DEL, and C1: U+009B is CSI, which
 * some terminals act on) shown as \xNN (escapeName()): Xen's quoted lines and a file's strings
 * carry a payload's bytes, and a hostile name would otherwise drive the reader's terminal.
 */
export function terminalSafe(text: string): string {
  if (!DRIVES_TERMINAL.test(text)) return text;
  return text
    .split("\n")
    .map((line) => line.split("\t").map(escapeName).join("\t"))
    .join("\n");
}
