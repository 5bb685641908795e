/** dynamodb.json: the dynamodb planning target's migration file, a list of steps apply runs in order. */
import type { MigrationFormat } from '../../targets/types.js';
import type { Snapshot } from '../snapshot.js';
import { MigrationFileError } from '../errors.js';
import { renderDynamo } from './render.js';
import { describeStep, parseSteps, renderSteps, type DynamoMigrationFile } from './steps.js';

export const dynamodbFormat: MigrationFormat<'dynamodb'> = {
  plan: 'dynamodb',
  file: 'dynamodb.json',
  parse(text, shown, snapshot) {
    const parsed = parseSteps(text, shown);
    checkStepsAgainstSnapshot(parsed, snapshot, shown);
    return { parsed };
  },
  render(id, diff) {
    const { steps, notes } = renderDynamo(diff);
    return {
      text: renderSteps(id, steps, notes),
      destructive: steps.filter((s) => s.destructive).map((s) => `dynamodb: ${s.destructive}`),
      summary: [`dynamodb: ${steps.length} step${steps.length === 1 ? '' : 's'}`, ...steps.map((s) => `- ${describeStep(s)}`), ...notes.map((n) => `note: ${n}`)],
    };
  },
  pendingDestructive: (m, file, from) =>
    file.parsed.steps
      .slice(from)
      .filter((st) => st.destructive)
      .map((st) => `${m.id} (dynamodb): ${st.destructive}`),
};

/** Backfills encode entries with the model as this migration's snapshot defines it: it must be there. */
function checkStepsAgainstSnapshot(file: DynamoMigrationFile, snapshot: Snapshot, shown: string): void {
  if (file.migration !== snapshot.migration) throw new MigrationFileError(shown, `belongs to migration "${file.migration}", not "${snapshot.migration}"`);
  file.steps.forEach((s, i) => {
    if (s.op !== 'BackfillUnique') return;
    const model = Object.values(snapshot.schema.models).find((m) => m.name === s.model);
    if (!model) throw new MigrationFileError(shown, `steps[${i}] backfills model ${s.model}, which the migration's snapshot.json does not have`);
    if (!model.uniques.some((u) => u.name === s.constraint)) throw new MigrationFileError(shown, `steps[${i}] backfills ${s.model}.${s.constraint}, which is not a unique constraint in snapshot.json`);
  });
}
