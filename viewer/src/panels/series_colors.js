// Colours of chart series by label, shared by every chart of a run page so one branch ("from
// lr_low") has the same colour in the loss charts and the evaluation-during-training charts.
// Colours go to labels in the order they are first asked for.

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

export function createSeriesColors() {
  const colors = new Map();
  return (label) => {
    if (!colors.has(label)) colors.set(label, PALETTE[colors.size % PALETTE.length]);
    return colors.get(label);
  };
}
