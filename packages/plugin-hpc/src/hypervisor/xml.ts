/**
 * Reading libvirt XML with fast-xml-parser: attributes under `@_name`, every value kept as a string
 * (a name like `0123` must not become a number), and small helpers that hide the parser's
 * "one child is an object, several are an array" shape.
 */
import {HypervisorError} from '@ai-how/core'
import {fastXmlParser} from '../lazy-modules.js'

export type XmlNode = Record<string, unknown>

let parser: InstanceType<ReturnType<typeof fastXmlParser>['XMLParser']> | undefined

function xmlParser(): NonNullable<typeof parser> {
  parser ??= new (fastXmlParser().XMLParser)({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
  })
  return parser
}

function isNode(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Parses an XML document and returns its root element (the one named `root`). */
export function parseXml(xml: string, root: string): XmlNode {
  let doc: unknown
  try {
    doc = xmlParser().parse(xml)
  } catch (error) {
    throw new HypervisorError(`libvirt returned XML that cannot be parsed: ${String(error)}`, {code: 'HYPERVISOR_BAD_XML', cause: error})
  }
  const element = isNode(doc) ? doc[root] : undefined
  if (element === '') return {}
  if (!isNode(element)) {
    throw new HypervisorError(`expected a <${root}> document from libvirt`, {code: 'HYPERVISOR_BAD_XML', details: {xml}})
  }
  return element
}

/** The child elements called `name` (zero, one or many). */
export function children(node: XmlNode | undefined, name: string): XmlNode[] {
  const value = node?.[name]
  const list: unknown[] = Array.isArray(value) ? value : value === undefined ? [] : [value]
  return list.map((item) => (isNode(item) ? item : {'#text': item}))
}

export function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  return children(node, name)[0]
}

export function attr(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[`@_${name}`]
  return typeof value === 'string' ? value : undefined
}

/** The text content of the first child called `name`. */
export function text(node: XmlNode | undefined, name: string): string | undefined {
  const value = node?.[name]
  const first: unknown = Array.isArray(value) ? value[0] : value
  if (typeof first === 'string') return first
  if (isNode(first) && typeof first['#text'] === 'string') return first['#text']
  return undefined
}

/** Keys of the child elements of `node` (attributes and text left out). */
export function elementNames(node: XmlNode | undefined): string[] {
  return Object.keys(node ?? {}).filter((key) => !key.startsWith('@_') && key !== '#text')
}
