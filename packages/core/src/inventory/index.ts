export type {Inventory, InventoryGroup, InventoryHost, InventoryValue} from './model.js'
export {checkInventory} from './model.js'
export {toIni} from './ini.js'
export {toYaml} from './yaml.js'
