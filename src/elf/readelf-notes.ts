// One note as `readelf -nW` prints it: owner, data size, type name, then a decoded description
// for the GNU notes readelf understands (build-id, ABI tag, properties, gold version).
import { EM_386, EM_AARCH64, EM_X86_64 } from "./constants.ts";
import { noteTypeName } from "./describe.ts";
import { ByteReader } from "./reader.ts";
import type { ElfFile, ElfNote } from "./types.ts";

const hx = (n: number | bigint, width = 0): string => n.toString(16).padStart(width, "0");

function printableOwner(name: string): string {
  return name.padEnd(20);
}

export function formatNote(f: ElfFile, note: ElfNote): string {
  const head = `  ${printableOwner(note.name)} 0x${hx(note.descsz, 8)}\t${noteTypeName(note.name, note.type)}\t`;
  const desc = f.bytes.subarray(note.desc.offset, note.desc.offset + note.desc.size);
  const r = new ByteReader(desc, f.header.littleEndian);
  if (note.name === "GNU") {
    switch (note.type) {
      case 3:
        return `${head}    Build ID: ${Array.from(desc, (b) => hx(b, 2)).join("")}\n`;
      case 1:
        if (desc.length >= 16) {
          const os = ["Linux", "Hurd", "Solaris", "FreeBSD", "NetBSD", "Syllable", "NaCl"][r.u32(0)] ?? "Unknown";
          return `${head}    OS: ${os}, ABI: ${r.u32(4)}.${r.u32(8)}.${r.u32(12)}\n`;
        }
        return `${head}    <corrupt GNU_ABI_TAG>\n`;
      case 4:
        return `${head}    Version: ${Array.from(desc, (b) => String.fromCharCode(b)).join("").replace(/\0.*$/s, "")}\n`;
      case 5:
        return `${head}      Properties: ${gnuProperties(f, r)}\n`;
      default:
        return `${head}    Description data: ${Array.from(desc, (b) => `${hx(b, 2)} `).join("")}\n`;
    }
  }
  if (desc.length === 0) return `${head}\n`;
  return `${head}   description data: ${Array.from(desc, (b) => `${hx(b, 2)} `).join("")}\n`;
}

function bitList(mask: number, names: readonly string[]): string {
  if (mask === 0) return "<None>";
  const parts: string[] = [];
  for (let bit = 0; bit < 32; bit++) {
    const v = (mask >>> bit) & 1;
    if (!v) continue;
    parts.push(names[bit] ?? `<unknown: ${hx(1 << bit >>> 0)}>`);
  }
  return parts.join(", ");
}

const X86_ISA = ["x86-64-baseline", "x86-64-v2", "x86-64-v3", "x86-64-v4"];
const X86_FEATURE_1 = ["IBT", "SHSTK", "LAM_U48", "LAM_U57"];
const X86_FEATURE_2 = ["x86", "x87", "MMX", "XMM", "YMM", "ZMM", "FXSR", "XSAVE", "XSAVEOPT", "XSAVEC", "TMM", "MASK"];
const AARCH64_FEATURE_1 = ["BTI", "PAC"];

/** The GNU_PROPERTY_TYPE_0 list, comma-separated as under -W. */
function gnuProperties(f: ElfFile, r: ByteReader): string {
  const size = f.header.elfClass === 64 ? 8 : 4;
  const machine = f.header.machine;
  const parts: string[] = [];
  let p = 0;
  if (r.length % size !== 0) return `<corrupt descsz: ${hx(r.length)}>`;
  while (p < r.length) {
    if (p + 8 > r.length) {
      parts.push(`<corrupt descsz: ${hx(r.length)}>`);
      break;
    }
    const type = r.u32(p);
    const datasz = r.u32(p + 4);
    p += 8;
    if (datasz > r.length - p) {
      parts.push(`<corrupt type (${hx(type)}) datasz: ${hx(datasz)}>`);
      break;
    }
    parts.push(describeProperty(machine, type, datasz, r, p));
    p += Math.ceil(datasz / size) * size;
  }
  return parts.join(", ");
}

function describeProperty(machine: number, type: number, datasz: number, r: ByteReader, p: number): string {
  const u32 = (): number | null => (datasz === 4 ? r.u32(p) : null);
  const x86 = machine === EM_X86_64 || machine === EM_386;
  if (x86) {
    const names: Record<number, [string, readonly string[]]> = {
      0xc0000002: ["x86 feature: ", X86_FEATURE_1],
      0xc0008002: ["x86 ISA needed: ", X86_ISA],
      0xc0010002: ["x86 ISA used: ", X86_ISA],
      0xc0008001: ["x86 feature needed: ", X86_FEATURE_2],
      0xc0010001: ["x86 feature used: ", X86_FEATURE_2],
    };
    const known = names[type];
    if (known) {
      const v = u32();
      return v === null ? `${known[0]}<corrupt length: ${hx(datasz)}> ` : known[0] + bitList(v, known[1]);
    }
  }
  if (machine === EM_AARCH64 && type === 0xc0000000) {
    const v = u32();
    return v === null ? `AArch64 feature: <corrupt length: ${hx(datasz)}> ` : `AArch64 feature: ${bitList(v, AARCH64_FEATURE_1)}`;
  }
  if (type === 2) return datasz === 0 ? "no copy on protected" : `no copy on protected <corrupt length: ${hx(datasz)}> `;
  if (type === 1 && (datasz === 4 || datasz === 8)) {
    return `stack size: 0x${hx(datasz === 8 ? r.u64(p) : BigInt(r.u32(p)))}`;
  }
  if (type >= 0xc0000000 && type <= 0xdfffffff) return `<application-specific type ${hx(type)} data: ${dataBytes(r, p, datasz)}>`;
  if (type >= 0xe0000000) return `<processor-specific type ${hx(type)} data: ${dataBytes(r, p, datasz)}>`;
  return `<unknown type ${hx(type)} data: ${dataBytes(r, p, datasz)}>`;
}

function dataBytes(r: ByteReader, p: number, n: number): string {
  let s = "";
  for (let i = 0; i < n; i++) s += `${hx(r.u8(p + i), 2)} `;
  return s;
}
