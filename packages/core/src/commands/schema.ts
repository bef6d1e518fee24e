import {Flags} from '@oclif/core'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {AiHowCommand} from '../command.js'
import {buildConfigSchema} from '../config/index.js'
import type {JsonSchema} from '../contracts/extensions.js'
import {foreignDocument} from '../output/json-document.js'
import {loadClusterKinds} from '../plugins.js'

export default class Schema extends AiHowCommand {
  static override summary = 'Print the JSON Schema of cluster configuration files, installed kinds included.'

  static override description = `The JSON Schema (draft 2020-12) that \`ai-how validate\` checks configs against: the top level (version, metadata, global, clusters) plus the section of every installed cluster kind. Point your editor at it to get completion and errors while typing, e.g. with the YAML language server put this first line in a config:

  # yaml-language-server: $schema=./ai-how.schema.json

The schema cannot express everything: \`ai-how validate\` also checks addresses, subnets, bridges, devices and cpu topology. Custom keywords aiHowPath and aiHowHint are ai-how annotations; editors ignore them.`

  static override examples = [
    '<%= config.bin %> schema -o ai-how.schema.json',
    '<%= config.bin %> schema | jq \'.properties.clusters.properties | keys\'',
  ]

  static override flags = {
    output: Flags.string({char: 'o', description: 'write the schema to this file (folders are created) instead of stdout'}),
  }

  async run(): Promise<JsonSchema | {output: string; kinds: string[]}> {
    const {flags} = await this.parse(Schema)
    const kinds = await loadClusterKinds(this.config)
    const schema = buildConfigSchema(kinds)
    if (flags.output === undefined) {
      if (!this.jsonEnabled()) this.log(JSON.stringify(schema, null, 2))
      return foreignDocument(schema)
    }
    const output = path.resolve(flags.output)
    await mkdir(path.dirname(output), {recursive: true})
    await writeFile(output, `${JSON.stringify(schema, null, 2)}\n`)
    this.logToStderr(`✓ wrote ${flags.output} (kinds: ${kinds.map((k) => k.key).join(', ') || 'none'})`)
    return {output, kinds: kinds.map((k) => k.key)}
  }
}
