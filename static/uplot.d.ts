// The charting library the build copies here from node_modules/uplot (its ES module build): its types.
export { default } from 'uplot';
