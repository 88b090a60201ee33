// Field offsets of the on-disk records, per ELF class, so parsing code never branches on
// 32/64-bit field by field.

export interface Layout {
  is64: boolean;
  ehdrSize: number;
  /** e_* field offsets. */
  eh: { type: number; machine: number; version: number; entry: number; phoff: number; shoff: number; flags: number; ehsize: number; phentsize: number; phnum: number; shentsize: number; shnum: number; shstrndx: number };
  shdrSize: number;
  sh: { name: number; type: number; flags: number; addr: number; offset: number; size: number; link: number; info: number; addralign: number; entsize: number };
  phdrSize: number;
  ph: { type: number; flags: number; offset: number; vaddr: number; paddr: number; filesz: number; memsz: number; align: number };
  symSize: number;
  sym: { name: number; value: number; size: number; info: number; other: number; shndx: number };
  relSize: number;
  relaSize: number;
  rel: { offset: number; info: number; addend: number };
  /** Width in bytes of an address-sized word. */
  word: 4 | 8;
}

export const LAYOUT32: Layout = {
  is64: false,
  ehdrSize: 52,
  eh: { type: 16, machine: 18, version: 20, entry: 24, phoff: 28, shoff: 32, flags: 36, ehsize: 40, phentsize: 42, phnum: 44, shentsize: 46, shnum: 48, shstrndx: 50 },
  shdrSize: 40,
  sh: { name: 0, type: 4, flags: 8, addr: 12, offset: 16, size: 20, link: 24, info: 28, addralign: 32, entsize: 36 },
  phdrSize: 32,
  ph: { type: 0, offset: 4, vaddr: 8, paddr: 12, filesz: 16, memsz: 20, flags: 24, align: 28 },
  symSize: 16,
  sym: { name: 0, value: 4, size: 8, info: 12, other: 13, shndx: 14 },
  relSize: 8,
  relaSize: 12,
  rel: { offset: 0, info: 4, addend: 8 },
  word: 4,
};

export const LAYOUT64: Layout = {
  is64: true,
  ehdrSize: 64,
  eh: { type: 16, machine: 18, version: 20, entry: 24, phoff: 32, shoff: 40, flags: 48, ehsize: 52, phentsize: 54, phnum: 56, shentsize: 58, shnum: 60, shstrndx: 62 },
  shdrSize: 64,
  sh: { name: 0, type: 4, flags: 8, addr: 16, offset: 24, size: 32, link: 40, info: 44, addralign: 48, entsize: 56 },
  phdrSize: 56,
  ph: { type: 0, flags: 4, offset: 8, vaddr: 16, paddr: 24, filesz: 32, memsz: 40, align: 48 },
  symSize: 24,
  sym: { name: 0, info: 4, other: 5, shndx: 6, value: 8, size: 16 },
  relSize: 16,
  relaSize: 24,
  rel: { offset: 0, info: 8, addend: 16 },
  word: 8,
};
