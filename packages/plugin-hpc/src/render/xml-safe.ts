/**
 * Guards for what reaches a libvirt XML template. handlebars escapes markup, but passes through
 * the control characters that XML 1.0 forbids (U+0000-U+0008, U+000B, U+000C, U+000E-U+001F,
 * U+FFFE, U+FFFF, lone surrogates), which would make libvirt reject the document: every string of
 * a view model is checked. Contributed device fragments (rendered verbatim) must be well-formed.
 */
import {ConfigError, PluginContractError} from '@ai-how/core'
import {fastXmlParser} from '../lazy-modules.js'

// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Throws a ConfigError naming the field when any string in `value` holds a character XML 1.0 forbids. */
export function assertXmlText(value: unknown, path = 'view'): void {
  if (typeof value === 'string') {
    const bad = FORBIDDEN.exec(value)
    if (bad) {
      const code = bad[0].codePointAt(0) ?? 0
      throw new ConfigError(`${path} holds the character U+${code.toString(16).toUpperCase().padStart(4, '0')}, which XML 1.0 forbids`, {
        code: 'XML_INVALID_CHARACTER',
        actions: [`Remove control characters from the value that becomes ${path} (names, paths, kernel command line).`],
      })
    }
    return
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      assertXmlText(item, `${path}[${i}]`)
    })
    return
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) assertXmlText(item, `${path}.${key}`)
  }
}

/** Throws a PluginContractError unless `fragment` is well-formed XML (one or more elements). */
export function assertXmlFragment(fragment: string, source: string): void {
  // Deprecated in favour of a separate package, but present and working in fast-xml-parser 5.12.1: no extra dependency.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  const result = fastXmlParser().XMLValidator.validate(`<fragment>${fragment}</fragment>`)
  if (result !== true) {
    throw new PluginContractError(`${source} contributed device XML that is not well-formed: ${result.err.msg}`, {
      code: 'PLUGIN_BAD_XML',
      details: {fragment},
      actions: ['Update or reinstall the plugin that contributes devices to this node (see `ai-how plugins`).'],
    })
  }
}
