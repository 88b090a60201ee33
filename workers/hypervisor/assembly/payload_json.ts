// payloadJson(): the payload as the UI and tests see it.
import { Payload } from "./payload";

export function payloadToJson(p: Payload): string {
  return "{}";
}
