// Extra webpack settings for the JupyterLab extension build: the input is already minified by
// esbuild, so skip terser (it took minutes over plotly.js on a 2-core machine).
module.exports = { optimization: { minimize: false } };
