// Whole-process figures for commands run side by side: wall time, CPU time (user + system) and
// peak resident memory, from GNU time when it is installed (wall time alone otherwise). Runs are
// interleaved across the commands so a busy machine weighs on all of them alike.
import { spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface Command {
  label: string;
  cmd: string;
  args: string[];
}

export interface ProcessFigures {
  label: string;
  /** Medians over the runs; null when the command failed. */
  wallMs: number | null;
  cpuMs: number | null;
  /** Largest peak RSS seen over the runs, in MB. */
  peakMb: number | null;
}

const GNU_TIME = "/usr/bin/time";

export function onPath(tool: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${tool}`]).status === 0;
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Runs each command `runs` times in turn, stdout to /dev/null. */
export function measureProcesses(commands: Command[], runs: number): ProcessFigures[] {
  const timed = existsSync(GNU_TIME);
  const dir = mkdtempSync(join(tmpdir(), "lpl-bench-"));
  const devnull = openSync("/dev/null", "w");
  const samples = commands.map(() => ({ wall: [] as number[], cpu: [] as number[], peak: [] as number[], failed: false }));
  try {
    for (let r = 0; r < runs; r++) {
      commands.forEach((c, k) => {
        const s = samples[k];
        if (s.failed) return;
        const report = join(dir, `${k}.time`);
        const [cmd, args] = timed ? [GNU_TIME, ["-f", "%e %U %S %M", "-o", report, c.cmd, ...c.args]] : [c.cmd, c.args];
        const start = performance.now();
        const p = spawnSync(cmd, args, { stdio: ["ignore", devnull, "ignore"] });
        const wall = performance.now() - start;
        if (p.status !== 0) {
          s.failed = true;
          return;
        }
        s.wall.push(wall);
        if (timed) {
          const [, user, sys, kb] = readFileSync(report, "utf8").trim().split(/\s+/).map(Number);
          s.cpu.push((user + sys) * 1000);
          s.peak.push(kb / 1024);
        }
      });
    }
  } finally {
    closeSync(devnull);
    rmSync(dir, { recursive: true, force: true });
  }
  return commands.map((c, k) => {
    const s = samples[k];
    if (s.failed) return { label: c.label, wallMs: null, cpuMs: null, peakMb: null };
    return { label: c.label, wallMs: median(s.wall), cpuMs: median(s.cpu), peakMb: s.peak.length ? Math.max(...s.peak) : null };
  });
}
