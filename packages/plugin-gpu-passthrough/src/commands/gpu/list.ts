import {AiHowCommand, StateStore, resolveStatePath} from '@ai-how/core'
import {resolveHostRoot} from '../../host/host-fs.js'
import {PciHost} from '../../host/pci-host.js'
import {listGpus} from '../../list/gpu-list.js'
import type {GpuListReport} from '../../list/gpu-list.js'
import {renderGpuList} from '../../list/render-list.js'
import {sysfsRootFlag} from '../../flags.js'

export default class GpuList extends AiHowCommand {
  static override summary = 'List the GPUs of this host and whether they are ready for passthrough.'
  static override description = `Shows every display and 3D controller under /sys/bus/pci/devices with the functions of its IOMMU group: PCI address, class, vendor and device ids and names (from pci.ids), bound driver, IOMMU group, whether it can be passed through now (and why not), and which cluster node holds it according to the GPU ledger in the state file.`

  static override examples = ['<%= config.bin %> gpu list', '<%= config.bin %> gpu list --json', 'AI_HOW_SYSFS_ROOT=test/fixtures/sysfs/workstation-nvidia <%= config.bin %> gpu list']

  static override flags = {
    state: AiHowCommand.stateFlag,
    'sysfs-root': sysfsRootFlag,
  }

  async run(): Promise<GpuListReport> {
    const {flags} = await this.parse(GpuList)
    const host = PciHost.open(resolveHostRoot(flags['sysfs-root']))
    const state = await new StateStore(resolveStatePath(flags.state), {log: this.aiHowLogger()}).read()
    const report = await listGpus(host, state.gpu_allocations)
    if (!this.jsonEnabled()) this.log(renderGpuList(report))
    return report
  }
}
