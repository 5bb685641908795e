/** The in-memory client path for bench/profile.ts --micro: returns a loop that runs for `seconds`. */
import { memoryClient, type SHAPES } from './planner.js';

export async function profileMicro(shape: (typeof SHAPES)[number]): Promise<(seconds: number) => Promise<number>> {
  const { call } = await memoryClient(shape);
  let i = 0;
  return async (seconds) => {
    const end = performance.now() + seconds * 1000;
    let n = 0;
    while (performance.now() < end) {
      for (let k = 0; k < 100; k++) await call(i++);
      n += 100;
    }
    return n;
  };
}
