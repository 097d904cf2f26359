/** The echo lab: the article's server and client, as a library (and live capture, later). */
export { startEchoServer, formatPeer, EchoServerError } from "./server.js";
export type { EchoServerOptions, EchoServerHandle, EchoServerStats } from "./server.js";
export { runEchoClient, sameBytes, EchoClientError } from "./client.js";
export type { EchoClientOptions, EchoClientResult } from "./client.js";
