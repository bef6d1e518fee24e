/** Plain-language descriptions of values and schema expectations, for config error messages. */

const TYPE_WORDS: Record<string, string> = {
  object: 'a map (key: value entries)',
  array: 'a list',
  string: 'a string',
  integer: 'a whole number',
  number: 'a number',
  boolean: 'true or false',
  null: 'an empty value',
}

/** What a value is, as a user sees it in YAML: `"abc"`, `number 1`, `a list`, ... */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'an empty value'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'number') return `the number ${value}`
  if (typeof value === 'boolean') return `the boolean ${value}`
  if (Array.isArray(value)) return `a list of ${value.length} item${value.length === 1 ? '' : 's'}`
  return 'a map'
}

export function typeWords(type: unknown): string {
  const types = Array.isArray(type) ? type.map(String) : String(type).split(',')
  return types.map((t) => TYPE_WORDS[t] ?? t).join(' or ')
}

function asRecord(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

/** A short description of what a (sub)schema accepts, e.g. `a whole number >= 1`. */
export function expectedOf(schema: unknown): string {
  const s = asRecord(schema)
  if (!s) return 'a value'
  if ('const' in s) return JSON.stringify(s.const)
  if (Array.isArray(s.enum)) return `one of ${s.enum.map((v) => JSON.stringify(v)).join(', ')}`
  const parts = [s.type === undefined ? 'a value' : typeWords(s.type)]
  if (typeof s.minimum === 'number') parts.push(`>= ${s.minimum}`)
  if (typeof s.maximum === 'number') parts.push(`<= ${s.maximum}`)
  if (typeof s.format === 'string') parts.push(`in ${s.format} format`)
  return parts.join(' ')
}

/** The schema's own hint for errors at this field, if it has one. */
export function hintOf(schema: unknown): string | undefined {
  const hint = asRecord(schema)?.aiHowHint
  return typeof hint === 'string' ? hint : undefined
}

export function propertySchema(parent: unknown, key: string): unknown {
  return asRecord(asRecord(parent)?.properties)?.[key]
}

export function propertyNames(parent: unknown): string[] {
  return Object.keys(asRecord(asRecord(parent)?.properties) ?? {})
}

function distance(a: string, b: string): number {
  let previous = Array.from({length: b.length + 1}, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost))
    }
    previous = current
  }
  return previous[b.length] ?? 0
}

/** The candidate closest to `word` when it is close enough to be a likely typo. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: {candidate: string; d: number} | undefined
  for (const candidate of candidates) {
    const d = distance(word.toLowerCase(), candidate.toLowerCase())
    if (!best || d < best.d) best = {candidate, d}
  }
  return best && best.d <= Math.max(2, Math.floor(word.length / 3)) ? best.candidate : undefined
}
