/**
 * The cloud kind's domain templates, shipped in this package (`templates/libvirt/`, listed in its
 * `files`) and found relative to this module: the same path from src/cloud and dist/cloud, never a
 * search upward.
 */
import path from 'node:path'
import type {DomainTemplateSet} from '@ai-how/plugin-hpc'
import {CLOUD_ROLES} from '../kind/describe.js'

export const CLOUD_TEMPLATES_DIR = path.resolve(import.meta.dirname, '..', '..', 'templates', 'libvirt')

export const cloudDomainTemplates: DomainTemplateSet = {
  dir: CLOUD_TEMPLATES_DIR,
  byRole: {[CLOUD_ROLES.controlPlane]: 'control-plane.xml.hbs', [CLOUD_ROLES.worker]: 'worker.xml.hbs'},
}
