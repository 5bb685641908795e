/**
 * What the user told us about renames: `--rename Post.title=headline`,
 * `--rename Post=Article`, and answers to "rename or drop?".
 */
import { MigrationError, AmbiguousChangeError } from '../errors.js';

export type RenameSpec =
  | { readonly kind: 'model'; readonly from: string; readonly to: string }
  | { readonly kind: 'field'; readonly model: string; readonly from: string; readonly to: string };

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const FIELD_RENAME = new RegExp(`^(${IDENT})\\.(${IDENT})=(?:(${IDENT})\\.)?(${IDENT})$`);
const MODEL_RENAME = new RegExp(`^(${IDENT})=(${IDENT})$`);

/** Parse one `--rename` value. `Post.title=headline` (or `Post.title=Post.headline`) or `Post=Article`. */
export function parseRename(spec: string): RenameSpec {
  const s = spec.trim();
  const fm = FIELD_RENAME.exec(s);
  if (fm) {
    if (fm[3] && fm[3] !== fm[1]) throw new MigrationError(`--rename ${spec}: a field rename stays in its model`, `write --rename ${fm[1]}.${fm[2]}=${fm[4]}`);
    return { kind: 'field', model: fm[1], from: fm[2], to: fm[4] };
  }
  const mm = MODEL_RENAME.exec(s);
  if (mm) return { kind: 'model', from: mm[1], to: mm[2] };
  throw new MigrationError(`--rename ${spec}: expected Model.oldField=newField or OldModel=NewModel`, 'e.g. --rename Post.title=headline or --rename Post=Article');
}

export function formatRename(r: RenameSpec): string {
  return r.kind === 'model' ? `${r.from}=${r.to}` : `${r.model}.${r.from}=${r.to}`;
}

/**
 * Answers the questions the diff cannot: a thing disappeared while another of
 * its kind appeared. Return the new name it was renamed to, or null to drop it.
 */
export interface RenameResolver {
  model(dropped: string, candidates: readonly string[]): Promise<string | null>;
  field(model: string, dropped: string, candidates: readonly string[]): Promise<string | null>;
}

/** Without a terminal nobody can answer: fail and name the flag, unless destruction was allowed. */
export function nonInteractiveResolver(allowDestructive: boolean): RenameResolver {
  return {
    async model(dropped, candidates) {
      if (allowDestructive) return null;
      throw new AmbiguousChangeError(
        `model ${dropped} disappeared and ${candidates.join(', ')} appeared: was it renamed or dropped?`,
        `pass --rename ${dropped}=${candidates[0]}, or --allow-destructive to drop ${dropped} (its table and data)`,
      );
    },
    async field(model, dropped, candidates) {
      if (allowDestructive) return null;
      throw new AmbiguousChangeError(
        `${model}.${dropped} disappeared and ${candidates.map((c) => `${model}.${c}`).join(', ')} appeared: was it renamed or dropped?`,
        `pass --rename ${model}.${dropped}=${candidates[0]}, or --allow-destructive to drop ${model}.${dropped} (its data is lost)`,
      );
    },
  };
}
