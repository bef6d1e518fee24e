/**
 * @ai-how/plugin-gpu-passthrough: host PCI discovery (sysfs), passthrough checks, hostdev XML and
 * the GPU allocation ledger. The hooks and `ai-how gpu` commands are registered in package.json;
 * the library is exported for other plugins and tests.
 */
export {HostFs, resolveHostRoot, SYSFS_ROOT_ENV} from './host/host-fs.js'
export {PciHost} from './host/pci-host.js'
export type {NamedPciFunction} from './host/pci-host.js'
export type {PciFunction} from './host/pci-sysfs.js'
export type {HostInfo} from './host/host-info.js'
export {passthroughReadiness} from './host/readiness.js'
export {listGpus} from './list/gpu-list.js'
export type {GpuListReport, ListedGpu} from './list/gpu-list.js'
export {passthroughChecks} from './checks/passthrough-checks.js'
export {hostdevsXml, planHostdevs} from './hostdev/hostdev-xml.js'
export {nodeContribution} from './hostdev/contribution.js'
export {GpuLedger, claimantOf} from './ledger/gpu-ledger.js'
export type {LedgerStore} from './ledger/gpu-ledger.js'
export {virshDomainState, holdsDevices} from './ledger/domain-state.js'
export type {DomainStateQuery} from './ledger/domain-state.js'
export {canonicalPciAddress, isPciAddress} from './pci/address.js'
