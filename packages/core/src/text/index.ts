export {codePoint, describeControlCharacter, findControlCharacter, findXmlNonCharacter, isControlCharacter, printable} from './control-characters.js'
export type {ControlCharacter} from './control-characters.js'
