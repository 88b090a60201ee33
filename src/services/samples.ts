// The catalogue of bundled samples (public/samples/index.json), fetched from this origin only.

export interface SampleEntry {
  path: string;
  kind: "payload" | "image";
  arch: "x86_64" | "aarch64" | "arm32";
  title: string;
  summary: string;
  expect: string;
  image: string | null;
}

export function sampleUrl(path: string): string {
  return new URL(`samples/${path}`, document.baseURI).href;
}

export async function loadSampleCatalogue(): Promise<SampleEntry[]> {
  const response = await fetch(sampleUrl("index.json"));
  if (!response.ok) throw new Error(`sample catalogue: HTTP ${response.status}`);
  const data: unknown = await response.json();
  if (!Array.isArray(data)) throw new Error("sample catalogue: expected an array");
  return data as SampleEntry[];
}
