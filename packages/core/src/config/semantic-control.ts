/**
 * No control character in a value ai-how hands on: every string (and map key) under `global` and
 * `clusters` goes into Ansible inventories, libvirt XML, cloud-init or kernel command lines, where
 * a line break (tab, C1 and U+2028/U+2029 included) starts a new line. `metadata` is free text.
 * Runs over the parsed, expanded document, so a variable that expands to a line break is caught too.
 * The characters XML 1.0 forbids besides those (U+FFFE, U+FFFF, unpaired surrogates) are refused as well.
 */
import type {ConfigIssue, SourceLocator, YamlPath} from '../contracts/config.js'
import {codePoint, describeControlCharacter, findControlCharacter, findXmlNonCharacter, printable} from '../text/control-characters.js'
import {issueAt} from './issue.js'

const CHECKED = ['global', 'clusters'] as const

export const CONTROL_CHARACTER_FIX = 'Remove it; ai-how passes this value to Ansible inventories, libvirt XML and kernel command lines, where it would start a new line'

export const XML_CHARACTER_FIX = 'Remove it; ai-how writes this value into libvirt XML, which cannot hold it (XML 1.0 forbids U+FFFE, U+FFFF and unpaired surrogates)'

function issueFor(locator: SourceLocator, path: YamlPath, text: string, atKey: boolean): ConfigIssue | undefined {
  const what = atKey ? 'the key' : 'the value'
  const found = findControlCharacter(text)
  if (found !== undefined) {
    return issueAt(locator, path, {
      code: 'value.control-character',
      message: `${what} ${printable(text)} contains ${describeControlCharacter(found.code)} at character ${found.index + 1}`,
      fix: CONTROL_CHARACTER_FIX,
      atKey,
    })
  }
  const xml = findXmlNonCharacter(text)
  if (xml === undefined) return undefined
  const kind = xml.code >= 0xd800 && xml.code <= 0xdfff ? 'an unpaired surrogate' : 'a non-character'
  return issueAt(locator, path, {
    code: 'value.xml-character',
    message: `${what} ${printable(text)} contains ${codePoint(xml.code)} (${kind}) at character ${xml.index + 1}`,
    fix: XML_CHARACTER_FIX,
    atKey,
  })
}

function walk(locator: SourceLocator, path: YamlPath, value: unknown, out: ConfigIssue[]): void {
  if (typeof value === 'string') {
    const issue = issueFor(locator, path, value, false)
    if (issue !== undefined) out.push(issue)
  } else if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) walk(locator, [...path, i], item, out)
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const issue = issueFor(locator, [...path, key], key, true)
      if (issue !== undefined) out.push(issue)
      walk(locator, [...path, key], item, out)
    }
  }
}

/** One `value.control-character` (or `value.xml-character`) error per string (or key) under `global` and `clusters` that holds one. */
export function controlCharacterIssues(data: unknown, locator: SourceLocator): ConfigIssue[] {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return []
  const out: ConfigIssue[] = []
  for (const key of CHECKED) walk(locator, [key], (data as Record<string, unknown>)[key], out)
  return out
}
