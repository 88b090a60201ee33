// What the CLI writes to a terminal: never a control character that drives it.
import { escapeText } from "../livepatch/label.ts";

/**
 * `text` with every control character but newline and tab (C0, DEL, and C1: U+009B is CSI, which
 * some terminals act on) and every byte of a name that is not UTF-8 shown as \xNN (escapeText(),
 * the spelling every view uses): Xen's quoted lines and a file's strings carry a payload's bytes,
 * and a hostile name would otherwise drive the reader's terminal or print as invalid UTF-8.
 */
export function terminalSafe(text: string): string {
  return escapeText(text);
}

/** DEL and the C1 controls: JSON.stringify escapes C0 but writes these raw. */
const RAW_IN_JSON = /[\x7f-\x9f]|\\udc[89a-f]/;
const RAW_IN_JSON_ALL = /[\x7f-\x9f]/g;
/** JSON.stringify's escape of a lone U+DC80–U+DCFF (a name's byte that is not UTF-8), not itself after an escaped backslash. */
const BYTE_IN_JSON = /(?<!\\)((?:\\\\)*)\\udc([89a-f][0-9a-f])/g;

/**
 * JSON text (JSON.stringify's, or fragments of it) with DEL and every C1 control spelled as a
 * JSON escape, \u007f … \u009f: the same JSON value (outside strings JSON text is ASCII, and
 * inside one the escape means the character), and none of its bytes drives a terminal the
 * document is printed on. C0 controls need nothing: JSON.stringify already escapes them. A name's
 * byte that is not UTF-8 (U+DC80 + byte, which JSON.stringify writes as the escape \udcNN of a
 * lone surrogate) becomes the text `\xNN`, as the tool's text spells it: the JSON's keys and
 * shape stay, and its strings are well-formed Unicode.
 */
export function jsonTerminalSafe(text: string): string {
  if (!RAW_IN_JSON.test(text)) return text;
  return text.replace(RAW_IN_JSON_ALL, (c) => `\\u00${c.charCodeAt(0).toString(16)}`).replace(BYTE_IN_JSON, (_m, slashes: string, b: string) => `${slashes}\\\\x${b}`);
}
