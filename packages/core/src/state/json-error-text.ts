/**
 * What went wrong in a JSON text, in words that hold none of its bytes. V8's messages quote the
 * offending token and the start of the text (`Unexpected token 'S', "SECRET-TOK"... is not valid
 * JSON`): a state path that names someone else's file would print that file. Only V8's fixed
 * phrases pass through; anything else is a plain "syntax error" (the position is given apart).
 */

/** V8's messages (Node 20-22) that hold no text of the input, before " in JSON at position N". */
const FIXED_PHRASES = new Set([
  'Unexpected end of JSON input',
  "Expected property name or '}'",
  "Expected ':' after property name",
  "Expected ',' or '}' after property value",
  "Expected ',' or ']' after array element",
  'Expected double-quoted property name',
  'Unterminated string',
  'Bad control character in string literal',
  'Bad escaped character',
  'Bad Unicode escape',
  'No number after minus sign',
  'Exponent part is missing a number',
  'Unterminated fractional number',
  'Unexpected non-whitespace character after JSON',
  'Unexpected number',
  'Unexpected string',
])

export function jsonSyntaxSummary(v8Message: string): string {
  const phrase = v8Message.replace(/ in JSON at position \d+.*$/s, '')
  if (FIXED_PHRASES.has(phrase)) return phrase
  if (v8Message.startsWith('Unexpected token')) return 'Unexpected character'
  return 'Syntax error'
}
