// The parse result as the page uses it (the parse worker's contract).
export type { ParsedFile } from "../protocol/parse.ts";
