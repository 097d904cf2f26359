/** Vite lets the page import its stylesheet. */
declare module "*.css";
