export {codePoint, describeControlCharacter, findControlCharacter, isControlCharacter, printable} from './control-characters.js'
export type {ControlCharacter} from './control-characters.js'
