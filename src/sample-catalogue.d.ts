// Made by vite.samples.ts from public/samples/index.json.
declare module "virtual:sample-catalogue" {
  const catalogue: { path: string; kind: "image" | "payload"; arch: string; image: string | null }[];
  export default catalogue;
}
