// The scenario format's reader, writer and validator (src/scenarios/validate.ts, with the console
// tokenizer it brings), loaded when first used: the first screen does without them. Every reader
// of a scenario file, a scenario kept in this browser or a kept editor draft loads them here.
export const scenarioFormat = () => import("../scenarios/validate.ts");
