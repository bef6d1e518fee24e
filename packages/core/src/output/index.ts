export {JSON_FORMAT_VERSION, dataMap, documentText, errorDocument, foreignDocument, isForeignDocument, isCamelCase, jsonDocument, snakeCaseKey, snakeCaseKeys} from './json-document.js'
export type {ErrorDocument, JsonDocument} from './json-document.js'
