import js from "@eslint/js";
import tseslint from "typescript-eslint";
import reactHooks from "eslint-plugin-react-hooks";
import globals from "globals";

// Pure logic stays pure: src/elf and src/livepatch run unchanged in the page, the workers and the CLI.
const uiAndRuntime = ["react", "react-dom", "react-dom/*", "zustand", "zustand/*", "comlink", "d3", "d3-*", "node:*"];
const domGlobals = ["window", "document", "self", "postMessage", "navigator", "localStorage", "fetch", "Worker", "importScripts"].map(
  (name) => ({ name, message: "src/elf and src/livepatch must not touch DOM or worker globals" }),
);

// The page has one zustand store (src/state/store.ts); its slices' actions are the only writers.
const oneStore = [{ name: "zustand", importNames: ["create", "createStore"], message: "one store: add a slice to src/state/store.ts" }];
const writesOutsideSlices = [
  {
    selector: "MemberExpression[object.name='useLens'][property.name='setState']",
    message: "change the store through a slice's action (src/state), not setState",
  },
];
const toWorkers = { group: ["**/workers/*"], message: "UI reaches workers only through src/services" };

export default tseslint.config(
  { ignores: ["dist", "dist-e2e", "node_modules", "workers/hypervisor/build", "workers/hypervisor/assembly", "test-results", "playwright-report", "fixtures/out", "bench/out"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    files: ["src/**/*.tsx", "src/features/**/*.ts", "src/state/**/*.ts"],
    plugins: { "react-hooks": reactHooks },
    rules: { "react-hooks/rules-of-hooks": "error", "react-hooks/exhaustive-deps": "warn" },
  },
  {
    files: ["src/elf/**/*.ts"],
    ignores: ["src/elf/**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: [...uiAndRuntime, "../*", "!./*"], message: "src/elf imports nothing outside itself" }] }],
      "no-restricted-globals": ["error", ...domGlobals],
    },
  },
  {
    files: ["src/livepatch/**/*.ts"],
    ignores: ["src/livepatch/**/*.test.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: uiAndRuntime, message: "src/livepatch is pure: no UI, worker or Node imports" },
            { regex: "^\\.\\./(?!elf/)", message: "src/livepatch may import only src/elf" },
          ],
        },
      ],
      "no-restricted-globals": ["error", ...domGlobals],
    },
  },
  {
    // Pure like src/livepatch, but they may build on it: no UI, workers, services or Node.
    files: ["src/audit/**/*.ts", "src/console/**/*.ts", "src/scenarios/**/*.ts", "src/simulator/**/*.ts"],
    ignores: ["src/**/*.test.ts", "src/**/test-support/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: uiAndRuntime, message: "pure modules: no UI, worker or Node imports" },
            {
              group: ["**/features/**", "**/state/**", "**/services/**", "**/components/**", "**/workers/**", "**/disasm/**", "**/cli/**", "**/App*"],
              message: "pure modules import only other pure modules (elf, livepatch, protocol, audit, console, scenarios, simulator)",
            },
          ],
        },
      ],
      "no-restricted-globals": ["error", ...domGlobals],
    },
  },
  {
    files: ["src/features/**", "src/components/**", "src/state/**", "src/App.tsx", "src/main.tsx"],
    rules: {
      "no-restricted-imports": ["error", { paths: oneStore, patterns: [toWorkers] }],
      "no-restricted-syntax": ["error", ...writesOutsideSlices],
    },
  },
  {
    // Every spec gets the page guards (e2e/support/guards.ts): its `test`, on the fixture's pages.
    files: ["e2e/**/*.ts"],
    ignores: ["e2e/support/guards.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { paths: [{ name: "@playwright/test", importNames: ["test"], message: "import test from ./support/guards.ts: its page guards apply to every test" }] },
      ],
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression[callee.object.name='browser'][callee.property.name=/^new(Page|Context)$/]",
          message: "use the page/context fixtures: the guards watch their pages",
        },
      ],
    },
  },
  {
    // The store sits under the views: it may use services and pure modules, never a view.
    files: ["src/state/**"],
    ignores: ["src/state/store.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: oneStore,
          patterns: [toWorkers, { group: ["**/features/**", "**/components/**", "**/App*", "**/main*"], message: "src/state never imports a feature or a component" }],
        },
      ],
      "no-restricted-syntax": "off",
    },
  },
  {
    files: ["src/state/store.ts"],
    rules: { "no-restricted-imports": ["error", { patterns: [toWorkers, { group: ["**/features/**", "**/components/**", "**/App*", "**/main*"], message: "src/state never imports a feature or a component" }] }] },
  },
);
