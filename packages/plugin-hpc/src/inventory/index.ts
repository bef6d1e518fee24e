export {buildHpcInventory} from './hpc-inventory.js'
export type {InventoryAccess, LiveNode} from './hpc-inventory.js'
