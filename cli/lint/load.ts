/**
 * The lint engine needs the TypeScript compiler API, an optional peer
 * dependency (apps that only run queries do not install it). Loading it here,
 * on demand, turns its absence into an error that names the install command.
 */
import { ProjectError } from '../errors.js';
import { installCommand, isMissingPackage } from '../../src/peer.js';

export async function loadLint(): Promise<typeof import('./run.js')> {
  try {
    return await import('./run.js');
  } catch (e) {
    if (isMissingPackage(e, 'typescript'))
      throw new ProjectError(`quern lint and explain need the TypeScript compiler, which is not installed; run: ${installCommand('typescript')}`, { cause: e });
    throw e;
  }
}
