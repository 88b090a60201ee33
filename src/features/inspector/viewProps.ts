// What every inspector view receives: the selected file, already parsed.
import type { ParsedFile } from "../../state/parsedFile.ts";
import type { LoadedFile } from "../../state/store.ts";

export interface ViewProps {
  file: LoadedFile;
  parsed: ParsedFile;
}
