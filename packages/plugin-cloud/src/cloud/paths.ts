/** Where a cloud cluster's generated files live: `<output>/<cluster>/` (inventory, group_vars, kubeconfig) and `<output>/logs/<cluster>/`. */
import path from 'node:path'
import {clusterOutputDir, logsDir} from '@ai-how/plugin-hpc'

export const kubeconfigPath = (outputDir: string, cluster: string): string => path.join(clusterOutputDir(outputDir, cluster), 'kubeconfig')
export const cloudInventoryDir = (outputDir: string, cluster: string): string => clusterOutputDir(outputDir, cluster)
export const cloudLogsDir = (outputDir: string, cluster: string): string => path.join(logsDir(outputDir), cluster)
