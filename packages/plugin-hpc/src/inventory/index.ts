export {buildHpcInventory} from './hpc-inventory.js'
export type {InventoryAccess, LiveNode} from './hpc-inventory.js'
export {assertInventoryValue, assertInventoryVars, unsafeReason, unsafeValueError} from './safe-values.js'
export {assertInventoryAccess, assertKeyPath, sshCommonArgs} from './ssh-args.js'
