/** The echo lab: the article's server and client, live capture through tcpdump, and the demo model. */
export { startEchoServer, formatPeer, EchoServerError } from "./server.js";
export type { EchoServerOptions, EchoServerHandle, EchoServerStats } from "./server.js";
export { runEchoClient, sameBytes, EchoClientError } from "./client.js";
export type { EchoClientOptions, EchoClientResult } from "./client.js";
export { startCapture, CaptureError, classify as classifyTcpdumpError } from "./capture.js";
export type { CaptureOptions, CaptureHandle, CaptureSummary, CaptureErrorCode } from "./capture.js";
export { runDemo, buildWalkthrough, PacketLister, formatRow, ladder, formatSeconds,
  createUnique, writePcapng } from "./demo.js";
export type { DemoOptions, DemoRun, KeptPacket, PacketRow, WalkPacket, Walkthrough } from "./demo.js";
// The namespace lab (issue 16): a private two-host network.
export { createTopology, sweepStale, labNamespaces, labPreflight, removeNamespacesSync, LabError, NETNS_PREFIX, LAB_DEV,
  LAB_ADDRESSES, ROUTED_ADDRESSES, ROUTER_SERVER_DEV, LAB_TOOLS } from "./netns.js";
export type { Topology, TopologyOptions, LabHost, Side, Place, LabErrorCode } from "./netns.js";
export { planFaults, describeFault, nftMatch, randomOccurrences, prng, DATA_MIN_LENGTH, NFT_TABLE } from "./faults.js";
export type { Fault, FaultPlan, SegmentKind } from "./faults.js";
export type { AgentSpec, AgentStep, AgentConnection, AgentEvent } from "./agent.js";
export { LAB_PORT, SEGMENT, before } from "./scenario.js";
export type { Scenario, Phenomenon, HostProgram } from "./scenario.js";
export { SCENARIOS, scenarioByName } from "./scenarios/index.js";
export { runScenario, netemPresent, SCENARIO_LIMIT_MS } from "./run.js";
export type { RunOptions, LabRun, LabPacket } from "./run.js";
export { verdictOf, framesMatching, judge, frameList, verdictLine } from "./verdict.js";
export type { Verdict, PhenomenonVerdict } from "./verdict.js";
export { labReport, keySentence } from "./report.js";
export type { LabReport } from "./report.js";
export { labCapturePath, LAB_CAPTURE_DIR } from "./shipped.js";
