/**
 * The CommonJS dependencies that cost start-up time (handlebars, ssh2, fast-xml-parser), loaded on
 * first use instead of when a module that uses them is imported: oclif imports every command of a
 * plugin without a manifest, and `validate` or `status` import this package's index without
 * rendering, connecting or parsing XML. bench/startup.mjs measures the effect.
 */
import {createRequire} from 'node:module'
import type * as FastXmlParser from 'fast-xml-parser'
import type Handlebars from 'handlebars'
import type Ssh2 from 'ssh2'

const require = createRequire(import.meta.url)

function once<T>(load: () => T): () => T {
  let value: T | undefined
  return () => (value ??= load())
}

export const handlebars = once(() => require('handlebars') as typeof Handlebars)
export const ssh2 = once(() => require('ssh2') as typeof Ssh2)
export const fastXmlParser = once(() => require('fast-xml-parser') as typeof FastXmlParser)
