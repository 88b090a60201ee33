// QA s30's scenario file: an arm64 image with the x86 hello and bye payloads. The validator refuses
// it, naming both architectures; held by src/scenarios/validate.test.ts and e2e/scenarios.spec.ts.
export const ARCHMIX_SCENARIO = {
  format: "livepatch-lens-scenario",
  version: 1,
  id: "qa-archmix",
  title: "qa-cpu1",
  summary: "QA",
  image: "aarch64/xen-syms",
  payloads: ["x86_64/xen_hello_world.livepatch", "x86_64/xen_bye_world.livepatch"],
  cpus: 1,
  steps: [
    { title: "Upload hello", command: "upload xen_hello_world xen_hello_world.livepatch", explain: "Upload." },
    { title: "Load bye", command: "load xen_bye_world.livepatch", explain: "Stack bye on top." },
  ],
};
