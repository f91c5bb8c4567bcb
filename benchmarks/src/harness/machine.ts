import { cpus } from 'node:os';

/** What the result files say about the machine a run was measured on. */
export interface MachineInfo {
  cpu: string;
  cores: number;
  node: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return { cpu: list[0]?.model.trim() ?? 'unknown', cores: list.length, node: process.version };
}
