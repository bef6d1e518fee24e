/**
 * The command a mistyped one most likely meant. oclif glues every word before the first flag into
 * the command id (`ai-how hpc strat cfg.yaml` arrives as `hpc:strat:cfg.yaml`), so each candidate is
 * compared with as many leading words as it has; the words after them are the arguments again.
 */

export interface NearestCommand {
  /** The command id, words joined by ':'. */
  id: string
  /** How many of the typed words name the command; the rest are its arguments. */
  words: number
  distance: number
}

/** Edit distance: insertions, deletions, substitutions and swaps of two neighbours (strat → start) count 1. */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [Array.from({length: b.length + 1}, (_, j) => j)]
  for (let i = 1; i <= a.length; i++) {
    const row = [i]
    const up = rows[i - 1] ?? []
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      let d = Math.min((up[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (up[j - 1] ?? 0) + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (rows[i - 2]?.[j - 2] ?? 0) + 1)
      row.push(d)
    }
    rows.push(row)
  }
  return rows[a.length]?.[b.length] ?? 0
}

/** The nearest command to the typed words, or undefined when none is close enough to be a typo. */
export function nearestCommand(typed: readonly string[], commandIds: readonly string[]): NearestCommand | undefined {
  let best: NearestCommand | undefined
  for (const id of commandIds) {
    const words = Math.min(id.split(':').length, typed.length)
    const distance = editDistance(typed.slice(0, words).join(':'), id)
    if (distance > Math.max(2, Math.floor(id.length / 3))) continue
    if (best === undefined || distance < best.distance) best = {id, words, distance}
  }
  return best
}

/** Words as a shell would need them typed: plain words as they are, others in single quotes. */
export function shellWords(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replaceAll("'", String.raw`'\''`)}'`)).join(' ')
}
