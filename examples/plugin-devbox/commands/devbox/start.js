// `ai-how devbox start CONFIG`: thin; the work is the provisioner's (lib/provisioner.js).
import {AiHowCommand, ClusterCommand} from '@ai-how/core'
import {keepOnFailureFlag, sshTimeoutFlag, startSummary, strictCloudInitFlag} from '@ai-how/plugin-hpc'

export default class DevboxStart extends ClusterCommand {
  static summary = 'Create or boot the devbox cluster of CONFIG and wait until every box answers SSH.'
  static description = 'Creates what is missing (network, pool, base volume, each box\'s disk, seed and domain), boots the boxes and waits until each answers SSH with the cluster key. Existing boxes are kept. On failure what this run created is removed, unless --keep-on-failure.'
  static examples = ['<%= config.bin %> devbox start devbox.yaml', '<%= config.bin %> devbox start devbox.yaml --json | jq .logins']
  static args = {...ClusterCommand.args}
  static flags = {
    state: AiHowCommand.stateFlag,
    'keep-on-failure': keepOnFailureFlag,
    'ssh-timeout': sshTimeoutFlag,
    'strict-cloud-init': strictCloudInitFlag,
  }

  async run() {
    const {args, flags} = await this.parse(DevboxStart)
    const {impl, ctx} = await this.extension('devbox', 'provisioner', args.config, {...flags, json: this.jsonEnabled()}, new AbortController().signal)
    const result = /** @type {import('@ai-how/plugin-hpc').StartResult} */ (await impl.start(ctx))
    if (!this.jsonEnabled()) {
      this.logToStderr(startSummary(result))
      for (const [name, login] of Object.entries(/** @type {Record<string, string>} */ (result.logins))) this.logToStderr(`  ${name}: ${login}`)
    }
    return result
  }
}
