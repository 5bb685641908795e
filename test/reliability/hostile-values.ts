/**
 * fast-check arbitraries of hostile input: what a public entry point may be
 * handed by a careless caller or an attacker who controls JSON. Deep nesting,
 * prototype-pollution keys (as own keys, the way JSON.parse makes them),
 * SQL and DynamoDB-expression metacharacters, huge strings, unpaired
 * surrogates and NUL, NaN/Infinity/-0, integers past 2^53 and bigints past
 * 64 bits, invalid and out-of-range Dates, and values JSON cannot even carry
 * (functions, symbols, Maps, class instances, null-prototype objects).
 */
import fc from 'fast-check';

export const SQL_META = [
  '\'; DROP TABLE "Thing"; --',
  '"; DELETE FROM "Thing"; --',
  "' OR '1'='1",
  'a\'b"c`d',
  '$1',
  '$$',
  '::text',
  '\\',
  '%',
  '_',
  '%_\\%',
  "E'\\x41'",
  '/* comment */',
  '--',
  ';',
  'NULL',
  'TRUE',
];
export const DYNAMO_META = [
  '#id',
  ':v0',
  '#pk = :v0',
  'attribute_exists(#pk)',
  ') OR (attribute_exists(id)',
  'id = :v',
  'SET #a = :b',
  'REMOVE id',
  '[0]',
  '.',
  'a.b',
  '${x}',
];
export const UNICODE_EDGE = ['\u0000', 'a\u0000b', '\uD800', '\uDFFF', 'x\uD83D', '\uDE00y', '\uFEFF', '\u202E', '😀', 'ｚ', '\uFFFF', 'é', 'e\u0301', ''];
export const PROTO_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__', 'isPrototypeOf'];

const huge = (n: number, c = 'x') => c.repeat(n);

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...SQL_META, ...DYNAMO_META, ...UNICODE_EDGE, ...PROTO_KEYS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom(huge(500_000), huge(150_000, 'é'), huge(70_000, '😀'), `${huge(2000)}\uD800`) },
);

export const hostileNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 2 ** 53, 2 ** 53 + 2, -(2 ** 31) - 1, 2 ** 31, 2 ** 31 - 1, 1e308, -1e308, 5e-324, 1e-200, 0.1, 1e21, 123.456),
  fc.double(),
  fc.integer(),
);

export const hostileBigint: fc.Arbitrary<bigint> = fc.oneof(
  fc.constantFrom(2n ** 63n, -(2n ** 63n) - 1n, 2n ** 64n, 2n ** 63n - 1n, -(2n ** 63n), 10n ** 40n, 0n),
  fc.bigInt(),
);

export const hostileDate: fc.Arbitrary<Date> = fc.constantFrom(
  new Date(NaN),
  new Date(-8.64e15),
  new Date(8.64e15),
  new Date(Date.UTC(0, 0, 1) - 1),
  new Date('9999-12-31T23:59:59.999Z'),
  new Date('0001-01-01T00:00:00.000Z'),
  new Date(0),
  new Date(-1),
);

/** Objects whose keys are own properties named like prototype machinery, built the way JSON.parse builds them. */
export const pollutingObject: fc.Arbitrary<Record<string, unknown>> = fc
  .constantFrom(
    '{"__proto__": {"polluted": "yes"}}',
    '{"constructor": {"prototype": {"polluted": "yes"}}}',
    '{"__proto__": {"polluted": "yes"}, "name": "x"}',
    '{"a": {"__proto__": {"polluted": "yes"}}}',
    '{"__proto__": null}',
    '{"__proto__": []}',
    '{"prototype": {"polluted": "yes"}}',
  )
  .map((s) => JSON.parse(s) as Record<string, unknown>);

/** Nesting far past any sane depth, built iteratively (no recursion in the generator). */
export function nested(depth: number, key: string, leaf: unknown = 'x', asArray = false): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = asArray ? [v] : { [key]: v };
  return v;
}

const deepOf = (depths: number[]): fc.Arbitrary<unknown> =>
  fc
    .constantFrom(...depths)
    .chain((d) => fc.constantFrom('AND', 'NOT', 'a', 'equals', 'include', 'some').chain((k) => fc.boolean().map((arr) => nested(d, k, 'x', arr))));
export const deepValue: fc.Arbitrary<unknown> = deepOf([10, 40, 70, 300, 5_000, 50_000]);
/** Deep, but still serialisable by JSON.stringify (for files and cursors, which are text). */
export const deepSerialisable: fc.Arbitrary<unknown> = deepOf([10, 40, 70, 300]);

class Weird {
  readonly polluted = 'instance';
  toJSON() {
    return { polluted: 'toJSON' };
  }
}

/** Values JSON cannot carry: what a TypeScript caller with `as any` can still pass. */
export const jsOnly: fc.Arbitrary<unknown> = fc
  .constantFrom<() => unknown>(
    () => undefined,
    () => Symbol('s'),
    () => () => 1,
    () => new Map([['a', 1]]),
    () => new Set([1]),
    () => /re/g,
    () => Buffer.from('buf'),
    () => new Uint8Array([1, 2]),
    () => new Weird(),
    () => Object.create(null),
    () => Object.assign(Object.create(null), { equals: 'x' }),
    () => Object.create({ polluted: 'inherited' }),
    () => new Date(NaN),
    () => new String('boxed'),
    () => new Number(1),
    () => Promise.resolve(1),
    () => new Error('e'),
  )
  .map((make) => make());

export const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: hostileBigint },
  { weight: 1, arbitrary: hostileDate },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false) },
  { weight: 1, arbitrary: jsOnly },
);

const valueOf = (deep: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 6, arbitrary: hostileScalar },
    { weight: 2, arbitrary: pollutingObject },
    { weight: 1, arbitrary: deep },
    { weight: 2, arbitrary: fc.array(hostileScalar, { maxLength: 5 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        Array.from({ length: 120_000 }, (_, i) => `v${i}`),
        Array.from({ length: 2_000 }, (_, i) => i),
      ),
    },
    { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );
export const hostileValue: fc.Arbitrary<unknown> = valueOf(deepValue);
/** hostileValue whose nesting JSON.stringify can still write out. */
export const hostileSerialisable: fc.Arbitrary<unknown> = valueOf(deepSerialisable);

/** A key for an object at a position that expects field, relation or operator names. */
export function hostileKey(names: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...names) },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        ...PROTO_KEYS,
        'AND',
        'OR',
        'NOT',
        'mode',
        'some',
        'every',
        'none',
        'is',
        'isNot',
        'in',
        'notIn',
        'equals',
        'not',
        'has',
        'set',
        'push',
        'increment',
      ),
    },
    { weight: 2, arbitrary: fc.constantFrom(...SQL_META, ...DYNAMO_META) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  );
}

/**
 * An object with hostile keys and values. Keys are defined as OWN properties (as JSON.parse does),
 * so `__proto__` is a key here, not a prototype change.
 */
export function hostileObject(names: readonly string[], value: fc.Arbitrary<unknown> = hostileValue, maxKeys = 3): fc.Arbitrary<Record<string, unknown>> {
  return fc.array(fc.tuple(hostileKey(names), value), { maxLength: maxKeys }).map((pairs) => {
    const o: Record<string, unknown> = {};
    for (const [k, v] of pairs) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
    return o;
  });
}

/** Snapshot of what prototype pollution would change. */
export function prototypeState(): string {
  const protos = [Object.prototype, Array.prototype, Function.prototype, String.prototype, Number.prototype, Date.prototype];
  return JSON.stringify(protos.map((p) => Object.getOwnPropertyNames(p).sort()));
}

export function polluted(): string | null {
  const probe = {} as Record<string, unknown>;
  for (const k of ['polluted', 'equals', 'AND', 'name', 'x', 'a']) if (probe[k] !== undefined) return `({}).${k} is ${String(probe[k])}`;
  if (([] as unknown as Record<string, unknown>).polluted !== undefined) return '[].polluted is set';
  return null;
}
