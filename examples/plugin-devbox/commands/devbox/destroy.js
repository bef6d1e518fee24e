// `ai-how devbox destroy CONFIG`: the kit's confirmation (prompt, or --force), then the provisioner.
import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {destroyWithConfirmation, forceFlag} from '@ai-how/plugin-hpc'

export default class DevboxDestroy extends ClusterCommand {
  static summary = 'Remove every box, disk, pool and network that ai-how created for the devbox cluster of CONFIG.'
  static examples = ['<%= config.bin %> devbox destroy devbox.yaml --force']
  static args = {...ClusterCommand.args}
  static flags = {
    state: AiHowCommand.stateFlag,
    force: forceFlag,
  }

  async run() {
    const {args, flags} = await this.parse(DevboxDestroy)
    const {impl, ctx} = await this.extension('devbox', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = await destroyWithConfirmation(impl, ctx, flags.force, {json: this.jsonEnabled(), log: (m) => this.logToStderr(m)})
    return result ?? this.exit(0)
  }
}
