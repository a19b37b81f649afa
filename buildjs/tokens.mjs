// @ts-check
/**
 * Bitrix24's design tokens as build.py reads them (read_b24style): the UI
 * kit's Tailwind presets for colours, fonts and borders, merged into one
 * theme and written to stdout as JSON.  The presets are plain ES modules,
 * imported one by one, since the kit's plugin itself needs Tailwind and its
 * imports name no file extension.
 *
 * Usage: node buildjs/tokens.mjs PLUGINS (the kit's dist/plugins folder)
 */

/** The presets that hold the tokens the pages use (build.py COLOUR_ROLES and SCALE). */
const PRESETS = ['colors', 'fonts', 'border'];

const [plugins] = process.argv.slice(2);
if (!plugins) throw new Error('usage: node buildjs/tokens.mjs PLUGINS');
/** @type {Record<string, unknown>} */
const theme = {};
for (const name of PRESETS) {
  /** @type {{ default: { theme: Record<string, unknown> } }} */
  const preset = await import(`${plugins}/preset-${name}.js`);
  Object.assign(theme, preset.default.theme);
}
process.stdout.write(JSON.stringify(theme));
