import {Args, Flags} from '@oclif/core'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {AiHowCommand} from '../command.js'
import {renderConfig} from '../config/index.js'
import {foreignDocument} from '../output/json-document.js'

export default class Render extends AiHowCommand {
  static override summary = 'Print a cluster configuration after variable expansion.'

  static override description = `Expands \${VAR}, \${VAR:-default} and $VAR in every string value of CONFIG ($$ is a literal $; TOT is the nearest folder above the config that holds .git, PWD the current folder, everything else comes from the environment) and prints the result as YAML (comments and key order kept) or, with --json, as JSON. An unquoted value that expands to a number or boolean becomes one (cpu_cores: \${CORES:-4} is the number 4). Relative paths are printed as written: they stay relative to the folder of CONFIG.

Every unset variable is reported with its file:line:column (exit 2). Render does not validate: use \`ai-how validate\` for that.`

  static override examples = [
    '<%= config.bin %> render examples/hpc-and-cloud.yaml',
    'IMAGES=/srv/images <%= config.bin %> render cluster.yaml -o output/rendered-config.yaml',
    '<%= config.bin %> render cluster.yaml --json | jq .clusters.hpc.network',
  ]

  static override args = {
    config: Args.string({required: true, description: 'cluster configuration file (YAML)'}),
  }

  static override flags = {
    output: Flags.string({char: 'o', description: 'write the result to this file (folders are created) instead of stdout'}),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(Render)
    const rendered = await renderConfig(args.config)
    const text = this.jsonEnabled() ? `${JSON.stringify(rendered.data, null, 2)}\n` : rendered.yaml
    if (flags.output === undefined) {
      if (!this.jsonEnabled()) process.stdout.write(text)
      // The config itself (with --json, as JSON): a document of its own format, printed as it is.
      return typeof rendered.data === 'object' && rendered.data !== null ? foreignDocument(rendered.data) : rendered.data
    }
    const output = path.resolve(flags.output)
    await mkdir(path.dirname(output), {recursive: true})
    await writeFile(output, text)
    this.logToStderr(`✓ rendered ${args.config} → ${flags.output}`)
    return {file: rendered.file, output}
  }
}
