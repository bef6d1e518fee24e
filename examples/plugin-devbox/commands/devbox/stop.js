// `ai-how devbox stop CONFIG`
import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {stopSummary, stopTimeoutFlag} from '@ai-how/plugin-hpc'

export default class DevboxStop extends ClusterCommand {
  static summary = 'Shut down every box of the devbox cluster of CONFIG (the disks stay).'
  static examples = ['<%= config.bin %> devbox stop devbox.yaml --timeout 30']
  static args = {...ClusterCommand.args}
  static flags = {
    state: AiHowCommand.stateFlag,
    timeout: stopTimeoutFlag,
  }

  async run() {
    const {args, flags} = await this.parse(DevboxStop)
    const {impl, ctx} = await this.extension('devbox', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = /** @type {import('@ai-how/plugin-hpc').StopResult} */ (await impl.stop(ctx))
    if (!this.jsonEnabled()) this.logToStderr(stopSummary(result))
    return result
  }
}
