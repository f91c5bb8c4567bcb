import { openSync, writeSync, closeSync, readFileSync, renameSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lockPath = join(tmpdir(), 'chorus-bench.lock');

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Machine-wide lock so that two benchmark runs never share these 2 cores: a second run waits,
 * saying who holds the lock. A lock left by a dead process is taken over.
 */
export async function acquireBenchLock(log: (line: string) => void): Promise<() => void> {
  let announced = false;
  for (;;) {
    try {
      const fd = openSync(lockPath, 'wx');
      writeSync(fd, String(process.pid));
      closeSync(fd);
      const release = (): void => {
        try {
          if (readFileSync(lockPath, 'utf8') === String(process.pid)) unlinkSync(lockPath);
        } catch {
          // already gone
        }
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let holder = NaN;
      try {
        holder = Number(readFileSync(lockPath, 'utf8'));
      } catch {
        continue;
      }
      if (!Number.isInteger(holder) || !alive(holder)) {
        // Take the stale lock aside first and check it is still the dead holder's: unlinking
        // by name could remove a lock another waiter has just taken over.
        const aside = `${lockPath}.${process.pid}.stale`;
        try {
          renameSync(lockPath, aside);
          const moved = Number(readFileSync(aside, 'utf8'));
          if (moved === holder || !Number.isInteger(moved)) unlinkSync(aside);
          else renameSync(aside, lockPath); // it was a live lock taken meanwhile: put it back
        } catch {
          // another waiter dealt with it first
        }
        continue;
      }
      if (!announced) {
        log(`waiting: another benchmark (pid ${holder}) holds ${lockPath}`);
        announced = true;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}
