// Called by boot(): forgets the applied stack, pending work, scenario knobs and any halt.
import { resetActions } from "./actions";
import { resetRendezvous } from "./rendezvous";
import { resetHooks } from "./hooks";
import { resetHalt } from "./halt";

export function resetActionSide(): void {
  resetActions();
  resetRendezvous();
  resetHooks();
  resetHalt();
}
