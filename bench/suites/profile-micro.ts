/** Runs one in-memory client shape in a loop for bench/profile.ts --micro. */
import { memoryClient, type SHAPES } from './planner.js';

export async function profileMicro(shape: (typeof SHAPES)[number], seconds: number): Promise<void> {
  const { call } = await memoryClient(shape);
  const end = performance.now() + seconds * 1000;
  let i = 0;
  while (performance.now() < end) for (let k = 0; k < 100; k++) await call(i++);
  process.stderr.write(`${i} calls of ${shape.id}\n`);
}
