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

/** DEL and the C1 controls: JSON.stringify escapes C0 but writes these raw. */
const RAW_IN_JSON = /[\x7f-\x9f]/;
const RAW_IN_JSON_ALL = /[\x7f-\x9f]/g;

/**
 * JSON text (JSON.stringify's, or fragments of it) with DEL and every C1 control spelled as a
 * JSON escape, \u007f … \u009f: the same JSON value (outside strings JSON text is ASCII, and
 * inside one the escape means the character), and none of its bytes drives a terminal the
 * document is printed on. C0 controls need nothing: JSON.stringify already escapes them.
 */
export function jsonTerminalSafe(text: string): string {
  if (!RAW_IN_JSON.test(text)) return text;
  return text.replace(RAW_IN_JSON_ALL, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
}
