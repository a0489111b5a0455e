// The only module that imports G6: reached through a dynamic import(), so G6 (and its renderer and
// layouts) lands in a lazy chunk that only the case page downloads.
export { Graph, NodeEvent } from '@antv/g6';
export type { EdgeData, GraphData, NodeData } from '@antv/g6';
