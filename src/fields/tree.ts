/** The whole field tree of one frame: Frame, link, IP layers and TCP headers in order, payload,
 *  synack. One builder per protocol (frame.ts, link.ts, ip.ts, tcp.ts); every output reads this. */
import { dataSources, type DetailsInput, frameNodes, payloadDissected } from "./frame.js";
import { ethTail, linkMplsAt, linkNode, mplsNodes, vlanNodes } from "./link.js";
import { ipv4Node, ipv6Node } from "./ip.js";
import { otherLinkNodes } from "./link-other.js";
import { type BuildMode, type FieldNode, setBuildMode, treeBuild } from "./node.js";
import { dataNode, synackNode, tcpNodes } from "./tcp.js";
import { betweenIp, icmpNode } from "./tunnel.js";

/** Layers of the tree a reader may ask for alone (buildFieldTree's `layers`, a bit set). */
export const TreeLayer = { frame: 1, link: 2, ipv4: 4, ipv6: 8, tcp: 16, data: 32, synack: 64 } as const;
/** Every layer (and whatever sits between them: tunnels, ICMP, which are always built). */
export const ALL_LAYERS = 127;
/** The layers whose builders make a field, by the name's first part (`ip.version` is also a hidden
 *  item of IPv6); a name not here (experts, tunnels, other link types) means every layer. */
const LAYER_OF: Readonly<Record<string, number>> = {
  frame: TreeLayer.frame, eth: TreeLayer.link, vlan: TreeLayer.link, ip: TreeLayer.ipv4 | TreeLayer.ipv6, ipv6: TreeLayer.ipv6,
  tcp: TreeLayer.tcp, data: TreeLayer.data, synack: TreeLayer.synack,
};
/** The layers that hold the fields `names`: a field list → the builders buildFieldTree runs. */
export function treeLayers(names: Iterable<string>): number {
  let want = 0;
  for (const n of names) {
    const dot = n.indexOf(".");
    // Of the ip.* fields only the hidden ip.version is also IPv6's.
    const l = dot === 2 && n.startsWith("ip.") && n !== "ip.version" ? TreeLayer.ipv4 : n === "ip" ? TreeLayer.ipv4 : LAYER_OF[dot < 0 ? n : n.slice(0, dot)];
    if (l === undefined) return ALL_LAYERS;
    want |= l;
  }
  return want;
}

/** The field tree of a frame (top-level layers in order). `layers` (treeLayers) leaves the other
 *  layers' builders out, for readers that only look fields up (-T fields, -Y); `mode` says what the
 *  reader reads (BuildMode: labels or not, the wanted names), default everything. */
export function buildFieldTree(c: DetailsInput, layers = ALL_LAYERS, mode?: BuildMode): FieldNode[] {
  if (mode === undefined) return buildTree(c, layers);
  const labels = treeBuild.labels, want = treeBuild.want;
  setBuildMode(mode.labels, mode.want);
  try { return buildTree(c, layers); } finally { setBuildMode(labels, want); }
}

function buildTree(c: DetailsInput, layers: number): FieldNode[] {
  const f = c.frame;
  const sources = dataSources(f);
  const out = (layers & TreeLayer.frame) !== 0 ? frameNodes(c) : [];
  const linkOn = (layers & TreeLayer.link) !== 0;
  const others = linkOn ? otherLinkNodes(f) : undefined;
  const link = linkOn && others === undefined ? linkNode(f) : undefined;
  if (others !== undefined) for (let i = 0; i < others.length; i++) out.push(others[i]!);
  else if (link !== undefined) out.push(link);
  if (f.linkType === 1 && link !== undefined) {
    const tags = vlanNodes(f.bytes);
    out.push(...tags);
    // Padding or trailer after the IP datagram: under the last Ethernet-level header.
    (tags.length > 0 ? tags[tags.length - 1]! : link).children.push(...ethTail(f));
  }
  const mpls = linkMplsAt(f);
  if (mpls >= 0 && linkOn) out.push(...mplsNodes(f.bytes, mpls, f.ip[0]!.offset));
  // IP layers and TCP headers, outermost first; a reassembled layer's TCP lives in data source 1+.
  let tcpNext = 0;
  // An ICMP error's quoted IP and TCP headers sit inside its ICMP layer.
  let into = out;
  // Items tshark adds at the top when a TCP header's dissection threw.
  const trailer: FieldNode[] = [];
  for (let i = 0; i < f.ipCount; i++) {
    const l = f.ip[i]!;
    if (i > 0 && l.quoted && l.encap === "icmp-quoted") {
      const icmp = icmpNode(f, i);
      if (icmp !== undefined) { into.push(icmp); into = icmp.children; }
    } else if (i > 0) { const mid = betweenIp(f, i, c.udp?.[i - 1]); if (mid !== undefined) into.push(...mid.nodes); }
    let payload: Uint8Array | undefined;
    for (let j = 0; j < f.tcpCount; j++) if (f.tcp[j]!.ipIndex === i && f.tcp[j]!.reassembled) payload = f.tcp[j]!.bytes;
    if ((layers & (l.version === 4 ? TreeLayer.ipv4 : TreeLayer.ipv6)) !== 0) into.push(l.version === 4 ? ipv4Node(l, 0, payload) : ipv6Node(l, 0));
    while (tcpNext < f.tcpCount && f.tcp[tcpNext]!.ipIndex === i) {
      const t = f.tcp[tcpNext]!;
      const src = t.reassembled ? Math.max(0, sources.findIndex((s) => s.bytes === t.bytes)) : 0;
      if ((layers & TreeLayer.tcp) !== 0) {
        const tn = tcpNodes(f, tcpNext, c.results[tcpNext], src, c.finPassive?.[tcpNext], c.mptcp?.[tcpNext]);
        into.push(tn[0]!);
        for (let k = 1; k < tn.length; k++) trailer.push(tn[k]!);
      }
      if ((layers & TreeLayer.data) !== 0 && !t.quoted && t.seglen > 0 && t.payloadLength > 0 && payloadDissected(c.results[tcpNext])) {
        into.push(dataNode(t.payload(), src, t.payloadOffset));
      }
      tcpNext++;
    }
  }
  for (let k = 0; k < trailer.length; k++) out.push(trailer[k]!);
  const r0 = c.results[0];
  if ((layers & TreeLayer.synack) !== 0 && r0 !== undefined && f.tcpCount > 0 && !f.tcp[0]!.quoted) out.push(synackNode(r0));
  return out;
}
