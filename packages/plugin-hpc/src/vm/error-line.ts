/** The first non-empty line of an error's message, without virsh's `error: ` prefixes, at most `max` characters. */
export function errorLine(error: unknown, max = 300): string {
  const text = error instanceof Error ? error.message : String(error)
  return (text.split('\n').find((l) => l.trim() !== '') ?? text).replace(/^(error: )+/i, '').trim().slice(0, max)
}
