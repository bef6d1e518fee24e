/**
 * The JSON Schema (draft 2020-12) of a config file: core's top level plus one `clusters.<key>`
 * property per installed cluster kind (its own fragment). Core names no kind.
 */
import type {ClusterKindRegistration, JsonSchema} from '../contracts/extensions.js'

export const CONFIG_SCHEMA_ID = 'https://ai-how.dev/schemas/config.json'

/** The `$id` a kind's fragment gets when it has none, so that its `#/$defs/...` references stay its own. */
export function kindSchemaId(key: string): string {
  return `https://ai-how.dev/schemas/kinds/${key}.json`
}

function fragmentOf(kind: Pick<ClusterKindRegistration, 'key' | 'schema' | 'description'>): JsonSchema {
  const fragment: JsonSchema = {...kind.schema}
  if (typeof fragment.$id !== 'string') fragment.$id = kindSchemaId(kind.key)
  if (typeof fragment.description !== 'string') fragment.description = kind.description
  delete fragment.$schema
  return fragment
}

/** The whole schema for the given kinds (what `ai-how schema` prints). */
export function buildConfigSchema(kinds: readonly Pick<ClusterKindRegistration, 'key' | 'schema' | 'description'>[]): JsonSchema {
  const clusters: Record<string, JsonSchema> = {}
  for (const kind of kinds) clusters[kind.key] = fragmentOf(kind)
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: CONFIG_SCHEMA_ID,
    title: 'ai-how cluster configuration',
    type: 'object',
    additionalProperties: false,
    required: ['version', 'metadata', 'clusters'],
    properties: {
      version: {
        description: 'Format version of this file.',
        type: 'string',
        const: '1.0',
        aiHowHint: 'write version: "1.0" (quoted: an unquoted 1.0 is a number)',
      },
      metadata: {
        description: 'What this set of clusters is.',
        type: 'object',
        required: ['name', 'description'],
        properties: {
          name: {type: 'string', minLength: 1, description: 'Name of this configuration.'},
          description: {type: 'string', description: 'One line about it.'},
        },
      },
      global: {
        description: 'Settings shared by every cluster.',
        type: 'object',
        properties: {
          libvirt_uri: {
            type: 'string',
            minLength: 1,
            description: 'Default libvirt URI of every cluster (default qemu:///system).',
          },
        },
      },
      clusters: {
        description: `The clusters, one per kind. Installed kinds: ${kinds.map((k) => k.key).join(', ') || '(none)'}.`,
        type: 'object',
        minProperties: 1,
        additionalProperties: false,
        properties: clusters,
      },
    },
  }
}
