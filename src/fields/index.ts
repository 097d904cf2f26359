/** The field model: the one field tree per frame (names, values, -V text, byte ranges), the
 *  `-T fields` registry of tshark's names and kinds, expert items and the FIN sides they need. */
export * from "./registry.js";
export * from "./expert.js";
export * from "./fin-sides.js";
export * from "./node.js";
export { expertNode, formatNs, formatSecNs, hexBytes, secsBetween } from "./expert-node.js";
export { type DetailsInput, type DataSource, dataSources, protocolsInFrame, payloadDissected, arrival, isoDay, vlanTags } from "./frame.js";
export { ethernetTail } from "./link.js";
export { completenessLabel, tcpNode, synackNode } from "./tcp.js";
export { ALL_LAYERS, buildFieldTree, TreeLayer, treeLayers } from "./tree.js";
export { UdpStreams, type UdpStreamInfo } from "./udp.js";
export { MptcpTracker, type MptcpInfo } from "./mptcp-analysis.js";
export { setOuiResolver, ouiName } from "./oui.js";
export { fieldCatalogue, fieldInfo, glossaryLines, type FieldInfo } from "./catalogue.js";
