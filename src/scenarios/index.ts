// Public surface of the scenario format (pure: no React, DOM or worker APIs).
export * from "./schema.ts";
export { validateScenario, validateDraft, parseScenario, serializeScenario, filesNamedBy } from "./validate.ts";
export { type SimInput as ScenarioInput, stepInputs, inputsThrough, pathStatus, sameInput, stepLabel, knobLine } from "./inputs.ts";
export { parseScenarioHash, formatScenarioHash, isScenarioHash, isScenarioRef, PANELS, DEFAULT_EMBED_PANELS, type Panel, type ScenarioPlace, type ScenarioMode } from "./hash.ts";
export { loadCatalogue, parseCatalogueIndex, type CatalogueEntry } from "./catalogue.ts";
export { cursorForStep, stepAtCursor } from "./stepCursor.ts";
export { firstPayload, referredLines, stepPayload } from "./focus.ts";
export { SAMPLES, SAMPLE_IMAGES, sampleInfo, payloadsFor, remapPayloads, type SampleInfo, type PayloadRemap } from "./samples.ts";
