// The lint rules that keep one store and keep src/state below the views fire on real code.
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: new URL("../..", import.meta.url).pathname });

async function messages(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return result.messages.map((m) => `${m.ruleId}: ${m.message}`);
}

describe("store boundaries (eslint)", () => {
  it("src/state importing a feature is an error", async () => {
    const out = await messages("src/state/probe.ts", 'import { hex } from "../features/format.ts";\nexport const x = hex(1);\n');
    expect(out).toEqual([expect.stringMatching(/^no-restricted-imports: .*src\/state never imports a feature/)]);
  });

  it("a second zustand store is an error", async () => {
    const out = await messages("src/features/probe.ts", 'import { create } from "zustand";\nexport const s = create(() => ({}));\n');
    expect(out).toEqual([expect.stringMatching(/^no-restricted-imports: .*one store/)]);
  });

  it("writing the store from a view instead of through an action is an error", async () => {
    const out = await messages("src/features/probe.ts", 'import { useLens } from "../state/store.ts";\nexport const f = () => useLens.setState({});\n');
    expect(out).toEqual([expect.stringMatching(/^no-restricted-syntax: change the store through a slice's action/)]);
  });

  it("the same code inside src/state is allowed", async () => {
    expect(await messages("src/state/probe.ts", 'import { useLens } from "./store.ts";\nexport const f = () => useLens.setState({});\n')).toEqual([]);
  });
});
