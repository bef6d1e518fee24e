// `ai-how devbox status CONFIG`: read-only.
import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {renderStatusTable} from '@ai-how/plugin-hpc'

export default class DevboxStatus extends ClusterCommand {
  static summary = 'Show the live state of every box of the devbox cluster of CONFIG, and any drift.'
  static examples = ['<%= config.bin %> devbox status devbox.yaml', '<%= config.bin %> devbox status devbox.yaml --json']
  static args = {...ClusterCommand.args}
  static flags = {
    state: AiHowCommand.stateFlag,
  }

  async run() {
    const {args, flags} = await this.parse(DevboxStatus)
    const {impl, ctx} = await this.extension('devbox', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const status = /** @type {import('@ai-how/plugin-hpc').ClusterStatus} */ (await impl.status(ctx))
    if (!this.jsonEnabled()) process.stdout.write(renderStatusTable(status))
    return status
  }
}
