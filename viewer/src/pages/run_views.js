// The views of a run page, in nav order: each names the panels it shows. Adding a view is one
// entry here (and its panel files).

import { createCharts } from '../panels/charts.js';
import { createEvalCurves } from '../panels/eval_curves.js';
import { createEvalMetrics } from '../panels/eval_metrics.js';
import { createEventsLog } from '../panels/events_log.js';
import { createTree } from '../panels/tree.js';
import { createNodePanel } from '../panels/node_panel.js';
import { createEvalPanels } from '../panels/eval_panels.js';
import { createExplorerView } from '../panels/explorer_view.js';
import { createCompare } from '../panels/compare.js';
import { createDebugSection } from '../panels/debug/debug_section.js';
import { createGmvaeSection } from '../panels/gmvae/gmvae_section.js';
import { createPosteriorSamples } from '../panels/gmvae/posterior_samples.js';
import { createNetworkView } from '../panels/network/network_view.js';

export const RUN_VIEWS = [
  { id: 'overview', label: 'Overview', panels: (ctx) => [createDebugSection(ctx), createCharts(ctx), createEvalCurves(ctx), createGmvaeSection(ctx), createEvalMetrics(ctx)] },
  { id: 'events', label: 'Events', panels: (ctx) => [createEventsLog(ctx)] },
  { id: 'tree', label: 'Checkpoint tree', layout: 'split', panels: (ctx) => [createTree(ctx), createNodePanel(ctx, { compact: true })] },
  { id: 'node', label: 'Node & evaluation', panels: (ctx) => [createNodePanel(ctx), createEvalPanels(ctx)] },
  { id: 'explorer', label: 'Latent explorer', panels: (ctx) => [createExplorerView(ctx), createPosteriorSamples(ctx)] },
  { id: 'network', label: 'Network', panels: (ctx) => [createNetworkView(ctx)] },
  { id: 'compare', label: 'Compare', panels: (ctx) => [createCompare(ctx)] },
];

export const DEFAULT_VIEW = 'overview';
