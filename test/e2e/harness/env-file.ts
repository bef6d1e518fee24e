/** Parses the KEY=VALUE lines that the e2e shell scripts print (surrounding double quotes are dropped). */
export function parseEnvLines(text: string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const line of text.split('\n')) {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line.trim())
    if (!match) continue
    const [, key = '', raw = ''] = match
    out[key] = raw.length >= 2 && raw.startsWith('"') && raw.endsWith('"') ? raw.slice(1, -1) : raw
  }
  return out
}

/** The value of KEY, or an error naming the script output that lacked it. */
export function requireKey(values: Record<string, string>, key: string, source: string): string {
  const value = values[key]
  if (value === undefined || value === '') throw new Error(`${source} printed no ${key}`)
  return value
}
