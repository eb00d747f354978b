// CSS imported as text by the JupyterLab extension build (esbuild loader "text").
declare module "*.css" {
  const text: string;
  export default text;
}
