// The scenario editor's draft, kept in this browser (localStorage) so that a reload does not lose
// it, until Run it or Discard. Stored as {"version": 1, "draft": …}; what is read back is not
// trusted: another version of the page or anyone with the storage may have written it, so it is
// checked by validateDraft() (src/scenarios/validate.ts) and dropped, with the reason said, when
// it does not pass.
import { LIMITS, ScenarioError, type ScenarioDraft } from "../scenarios/schema.ts";
import { scenarioFormat } from "./scenarioFormat.ts";

export const DRAFT_KEY = "livepatch-lens.scenario-draft";
/** The stored form's version: a draft stored in any other is dropped, not misread. */
export const DRAFT_VERSION = 1;

export interface StoredDraft {
  draft: ScenarioDraft | null;
  /** Why a stored draft was dropped (null: there was none, or it was read). */
  problem: string | null;
}

/** How many of the validator's problems the note names. */
const SHOWN_ISSUES = 3;

function why(e: unknown): string {
  if (!(e instanceof ScenarioError)) return e instanceof Error ? e.message : String(e);
  const shown = e.issues.slice(0, SHOWN_ISSUES).map((i) => (i.path ? `${i.path}: ${i.message}` : i.message));
  const more = e.issues.length - shown.length;
  return shown.join("; ") + (more > 0 ? `; and ${more} more` : "");
}

async function parse(text: string): Promise<ScenarioDraft> {
  if (text.length > LIMITS.fileBytes) throw new Error(`it is ${text.length} characters long; a draft is at most ${LIMITS.fileBytes}`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("it is not JSON");
  }
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) throw new Error("it is not a JSON object");
  const { version, draft } = raw as Record<string, unknown>;
  if (version !== DRAFT_VERSION) throw new Error(`${version === undefined ? "it has no version" : `its version is ${JSON.stringify(version)}`}; this page reads version ${DRAFT_VERSION}`);
  const { validateDraft } = await scenarioFormat();
  return validateDraft(draft);
}

/** The draft kept in this browser, checked; an unreadable one is removed and its problem returned. */
export async function readStoredDraft(): Promise<StoredDraft> {
  let text: string | null;
  try {
    text = localStorage.getItem(DRAFT_KEY);
  } catch {
    return { draft: null, problem: null }; // no storage (private mode, tests): nothing was kept
  }
  if (text === null) return { draft: null, problem: null };
  try {
    return { draft: await parse(text), problem: null };
  } catch (e) {
    storeDraft(null);
    return { draft: null, problem: `The scenario draft kept in this browser could not be read, so it was dropped: ${why(e)}.` };
  }
}

/** Keeps `draft` in this browser (null: removes it). */
export function storeDraft(draft: ScenarioDraft | null): void {
  try {
    if (draft === null) localStorage.removeItem(DRAFT_KEY);
    else localStorage.setItem(DRAFT_KEY, JSON.stringify({ version: DRAFT_VERSION, draft }));
  } catch {
    // Storage full or unavailable: the draft stays in the page until it is closed.
  }
}
