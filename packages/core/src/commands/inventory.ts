import {Args, Flags} from '@oclif/core'
import {mkdir, writeFile} from 'node:fs/promises'
import path from 'node:path'
import {AiHowCommand} from '../command.js'
import {ClusterCommand} from '../cluster-command.js'

export default class Inventory extends ClusterCommand {
  static override summary = 'Print or write the Ansible inventory of one cluster.'

  static override description = `Builds the Ansible inventory that the deploy step of KIND uses (for hpc: groups hpc_controllers, hpc_compute_nodes, hpc_gpu_nodes under hpc; host names are the VM names). When the cluster's VMs exist, only running nodes are listed, with their live IPs; otherwise every node with its configured IP. SSH goes through the cluster's key and its known_hosts file with strict host key checking.

The text goes to stdout verbatim (or to FILE with -o). The YAML form is valid for ansible-inventory.`

  static override examples = [
    '<%= config.bin %> inventory examples/hpc-small.yaml hpc',
    '<%= config.bin %> inventory examples/hpc-small.yaml hpc --format yaml -o output/hpc-inventory.yml',
    'ansible-inventory -i <(<%= config.bin %> inventory cluster.yaml hpc) --graph',
  ]

  static override args = {
    ...ClusterCommand.args,
    kind: Args.string({required: true, description: 'cluster kind: the key under clusters: (hpc, cloud, ...)'}),
  }

  static override flags = {
    state: AiHowCommand.stateFlag,
    // No -f: across ai-how, -f is --force (destroy).
    format: Flags.string({options: ['ini', 'yaml'], default: 'ini', description: 'inventory format'}),
    output: Flags.string({char: 'o', description: 'write the inventory to this file (folders are created) instead of stdout'}),
  }

  async run(): Promise<unknown> {
    const {args, flags} = await this.parse(Inventory)
    const format = flags.format === 'yaml' ? 'yaml' : 'ini'
    const {impl, ctx} = await this.extension(args.kind, 'inventoryGenerator', args.config, flags, new AbortController().signal)
    const text = await impl.generate(ctx, {format})
    if (flags.output === undefined) {
      if (!this.jsonEnabled()) process.stdout.write(text)
      return {kind: args.kind, format, inventory: text}
    }
    const output = path.resolve(flags.output)
    await mkdir(path.dirname(output), {recursive: true})
    await writeFile(output, text)
    this.logToStderr(`✓ ${args.kind} inventory written to ${flags.output}`)
    return {kind: args.kind, format, output}
  }
}
