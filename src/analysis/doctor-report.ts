/** The diagnosis as data (issue 17 item 6): `diagnose` turns the model of doctor-model.ts into
 *  claims per connection and direction, each with its numbers and frame range, the connections
 *  worst first, and the capture's own artefacts. `synack doctor --json` prints this; the text
 *  (doctor-text.ts) prints each claim's `text`. Thresholds are named here and in docs/doctor.md. */
import {
  C_APP, C_NET, C_RECV, DoctorCollector, type DoctorConn, type DoctorDirection, DUP_CAPTURE_NS, type FrameSpan,
  LIMIT_CLASSES, type LimitClass, RTO_STALL_MIN_NS,
} from "./doctor-model.js";

/** A receiver-limited share at or above this is a problem (below it: a note). */
export const RECEIVER_PROBLEM_SHARE = 0.2;
/** A class with less of the time than this (and no problem) is not mentioned on its own line. */
export const MENTION_SHARE = 0.01;
/** Equal-time bins the rate over time is measured in; the first (slow start) is left out. */
export const RATE_BINS = 10;
/** The rate is "flat" when the median of the bins lies within ±25 % of the average over the whole
 *  transfer (the rate neither climbs nor falls). Quartiles are too noisy: on the lab's 10 Mbit/s tbf
 *  the ACKs come in bunches and 67 ms bins spread 5–12 Mbit/s around a median 1 % off the rate. */
export const FLAT_TOLERANCE = 0.25;
/** A direction whose largest class holds at least this share is "limited by" it. */
export const LIMITED_BY_SHARE = 0.5;
/** Rates are measured only over at least this long a transfer (shorter ones say nothing flat). */
export const RATE_MIN_SPAN_NS = 100_000_000;

/** What a claim is: something wrong, a fact worth saying, a way the capture misleads. */
export type ClaimKind = "problem" | "note" | "artefact";

/** One claim: its words, numbers and frames. */
export interface DoctorClaim {
  /** Stable id: receiver-limited, network-limited, application-limited, loss, rto-stall, zero-window,
   *  bottleneck, no-data, handshake, syn-retransmitted, reset, idle, time, captured-twice, tso,
   *  missing-data, snaplen. */
  id: string;
  kind: ClaimKind;
  text: string;
  /** First and last frame the claim is about (absent when it is about no frame in particular). */
  frames?: [number, number] | undefined;
  /** The numbers behind the text (ns, bytes, counts, bit/s, shares 0…1). */
  values: Record<string, number | string>;
}

/** The rate of a direction's data over time, from the peer's ACKs. */
export interface RateFigures {
  /** Bytes acknowledged × 8 / (last ACK advance − first data), bit/s. */
  goodputBps: number;
  /** The same on the wire: scaled by (frame bytes / payload bytes) of its data segments. */
  wireBps: number;
  /** Median of the per-bin goodput (first bin left out), and its quartiles; 0 when too short. */
  steadyBps: number; q1Bps: number; q3Bps: number;
  /** The same median on the wire. */
  steadyWireBps: number;
  /** The middle half of the bins within FLAT_TOLERANCE of the median. */
  flat: boolean;
  binNs: number;
}

/** One direction's diagnosis. */
export interface DirectionDiagnosis {
  dir: "a" | "b";
  from: string; to: string;
  /** "client → server" or "server → client". */
  role: string;
  dataBytes: number; dataPackets: number;
  /** The class holding ≥ LIMITED_BY_SHARE of the time, "mixed" otherwise, "none" without data. */
  limitedBy: LimitClass | "mixed" | "none";
  /** ns charged to each class, and the shares (0…1) of their sum. */
  timeNs: Record<LimitClass, number>;
  share: Record<LimitClass, number>;
  retransmissions: { packets: number; fast: number; bytes: number; rate: number; frames?: [number, number] | undefined };
  rtoStalls: { count: number; ns: number; maxNs: number; frames?: [number, number] | undefined };
  zeroWindow: { count: number; ns: number; maxNs: number; frames?: [number, number] | undefined };
  maxInFlight: number; maxWindow: number;
  rate?: RateFigures;
  claims: DoctorClaim[];
}

/** One connection's diagnosis. */
export interface ConnDiagnosis {
  stream: number;
  a: string; b: string;
  packets: number; frames: [number, number];
  durationNs: number;
  handshakeNs: number;
  idleNs: number;
  /** No problem claim (notes only). */
  ok: boolean;
  /** ns lost to problems (RTO waits, zero-window stalls, receiver-limited time, network time of a
   *  direction with losses, a second per SYN retransmitted): the order, worst first. */
  badNs: number;
  /** The one-line verdict. */
  headline: string;
  directions: DirectionDiagnosis[];
  claims: DoctorClaim[];
}

/** A whole capture's diagnosis. */
export interface CaptureDiagnosis {
  /** tcp.stream count (streams 0 … n − 1). */
  streams: number;
  ok: boolean;
  /** One line: nothing wrong, or how many connections have problems. */
  summary: string;
  /** Ways the capture misleads (over all connections). */
  artefacts: DoctorClaim[];
  connections: ConnDiagnosis[];
}

// --- numbers in words ---------------------------------------------------------------------------

/** 1234567 → "1,234,567". */
export function grouped(n: number): string {
  const s = String(Math.round(Math.abs(n))), neg = n < 0 ? "-" : "";
  return neg + s.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

/** A duration in ns, rounded by integer arithmetic: "1.8 s", "230 ms", "12.5 ms", "40 µs". */
export function duration(ns: number): string {
  ns = Math.max(0, Math.round(ns));
  if (ns >= 10_000_000_000) return `${Math.round(ns / 1e9)} s`;
  if (ns >= 1_000_000_000) { const d = Math.round(ns / 1e8); return `${Math.floor(d / 10)}.${d % 10} s`; }
  if (ns >= 10_000_000) return `${Math.round(ns / 1e6)} ms`;
  if (ns >= 1_000_000) { const d = Math.round(ns / 1e5); return `${Math.floor(d / 10)}.${d % 10} ms`; }
  if (ns >= 1_000) return `${Math.round(ns / 1e3)} µs`;
  return `${ns} ns`;
}

/** bit/s → "9.6 Mbit/s". */
export function rate(bps: number): string {
  const u: Array<[number, string]> = [[1e9, "Gbit/s"], [1e6, "Mbit/s"], [1e3, "kbit/s"]];
  for (const [f, name] of u) {
    if (bps >= f) { const d = Math.round((bps / f) * 10); return `${Math.floor(d / 10)}.${d % 10} ${name}`; }
  }
  return `${Math.round(bps)} bit/s`;
}

/** A share 0…1 → "63 %". */
export function percent(x: number): string { return `${Math.round(x * 100)} %`; }

function span(s: FrameSpan): [number, number] | undefined { return s.count === 0 ? undefined : [s.first, s.last]; }
function framesText(s: [number, number] | undefined): string {
  if (s === undefined) return "";
  return s[0] === s[1] ? `frame ${s[0]}` : `frames ${s[0]}–${s[1]}`;
}
function plural(n: number, one: string, many = one + "s"): string { return `${grouped(n)} ${n === 1 ? one : many}`; }

// --- rate over time -----------------------------------------------------------------------------

/** Bytes acknowledged by time t (step function over the kept points). */
function ackedAt(d: DoctorDirection, t: number): number {
  let lo = 0, hi = d.rateT.length - 1, v = 0;
  while (lo <= hi) { const m = (lo + hi) >> 1; if (d.rateT[m]! <= t) { v = d.rateB[m]!; lo = m + 1; } else hi = m - 1; }
  return v;
}

function rateFigures(d: DoctorDirection): RateFigures | undefined {
  if (d.firstDataNs < 0 || d.lastAckAdvanceNs <= d.firstDataNs || d.ackedBytes === 0) return undefined;
  const spanNs = d.lastAckAdvanceNs - d.firstDataNs;
  const wire = d.dataBytes > 0 ? d.wireBytes / d.dataBytes : 1;
  const goodputBps = (d.ackedBytes * 8e9) / spanNs;
  const out: RateFigures = { goodputBps, wireBps: goodputBps * wire, steadyBps: 0, q1Bps: 0, q3Bps: 0, steadyWireBps: 0, flat: false, binNs: 0 };
  if (spanNs < RATE_MIN_SPAN_NS || d.rateT.length < RATE_BINS) return out;
  const binNs = spanNs / RATE_BINS, rates: number[] = [];
  let prev = ackedAt(d, d.firstDataNs + binNs);
  for (let i = 1; i < RATE_BINS; i++) {
    const next = ackedAt(d, d.firstDataNs + (i + 1) * binNs);
    rates.push(((next - prev) * 8e9) / binNs); prev = next;
  }
  rates.sort((x, y) => x - y);
  const q = (f: number): number => rates[Math.min(rates.length - 1, Math.floor(f * (rates.length - 1) + 0.5))]!;
  out.steadyBps = q(0.5); out.q1Bps = q(0.25); out.q3Bps = q(0.75); out.steadyWireBps = out.steadyBps * wire;
  out.binNs = Math.round(binNs);
  out.flat = out.steadyBps > 0 && Math.abs(out.steadyBps - goodputBps) <= FLAT_TOLERANCE * goodputBps;
  return out;
}

// --- claims -------------------------------------------------------------------------------------

function directionDiagnosis(c: DoctorConn, d: DoctorDirection, dir: "a" | "b"): DirectionDiagnosis {
  const total = d.activeNs;
  const timeNs = { application: d.classNs[C_APP]!, receiver: d.classNs[C_RECV]!, network: d.classNs[C_NET]! };
  const share = {
    application: total > 0 ? timeNs.application / total : 0, receiver: total > 0 ? timeNs.receiver / total : 0,
    network: total > 0 ? timeNs.network / total : 0,
  };
  // A zero window still closed when the capture ends counts up to the last packet.
  let zNs = d.zeroWinNs, zMax = d.zeroWinMaxNs;
  if (d.zeroSinceNs >= 0) { const w = c.lastNs - d.zeroSinceNs; zNs += w; if (w > zMax) zMax = w; }
  // A direction without packets takes the other one's opposite.
  const other = d === c.a ? c.b : c.a;
  const fromClient = d.packets > 0 ? d.fromClient : !other.fromClient;
  const role = fromClient ? "client → server" : "server → client";
  const who = `${role} (${d.from} → ${d.to})`;
  let limitedBy: DirectionDiagnosis["limitedBy"] = "none";
  if (d.dataBytes > 0) {
    let best = 0;
    for (let k = 1; k < 3; k++) if (d.classNs[k]! > d.classNs[best]!) best = k;
    limitedBy = total > 0 && d.classNs[best]! / total >= LIMITED_BY_SHARE ? LIMIT_CLASSES[best]! : "mixed";
  }
  const rexRate = d.dataPkts > 0 ? d.rexmt.count / d.dataPkts : 0;
  const out: DirectionDiagnosis = {
    dir, from: d.from, to: d.to, role, dataBytes: d.dataBytes, dataPackets: d.dataPkts, limitedBy, timeNs, share,
    retransmissions: { packets: d.rexmt.count, fast: d.rexmtFast, bytes: d.rexmtBytes, rate: rexRate, frames: span(d.rexmt) },
    rtoStalls: { count: d.rto.count, ns: d.rtoNs, maxNs: d.rtoMaxNs, frames: span(d.rto) },
    zeroWindow: { count: d.zeroWin.count, ns: zNs, maxNs: zMax, frames: span(d.zeroWin) },
    maxInFlight: d.maxInFlight, maxWindow: d.maxWindow, claims: [],
  };
  const rf = rateFigures(d);
  if (rf !== undefined) out.rate = rf;
  const claims = out.claims;
  if (d.dataBytes === 0) {
    claims.push({ id: "no-data", kind: "note", text: `${who} sent no data (${plural(d.packets, "packet")}, ACKs and control only)`, values: { packets: d.packets } });
    return out;
  }
  const split = LIMIT_CLASSES.map((k) => `${k} ${percent(share[k])}`).join(", ");
  const head = limitedBy === "mixed" ? `${who} was limited by no one thing (${split})`
    : `${who} was ${limitedBy}-limited ${percent(share[limitedBy as LimitClass])} of its time (${split})`;
  claims.push({ id: "limits", kind: "note", text: `${head}; ${grouped(d.dataBytes)} bytes in ${plural(d.dataPkts, "data segment")}`,
    values: { ...timeNs, totalNs: total, bytes: d.dataBytes, segments: d.dataPkts } });
  // Receiver.
  if (share.receiver >= MENTION_SHARE || d.zeroWin.count > 0) {
    const parts: string[] = [];
    const rs = span(d.classFrames[C_RECV]!);
    if (d.windowFullMoments > 0) {
      const w = d.recvWinMin === d.recvWinMax ? `${grouped(d.recvWinMax)}-byte window` : `window (${grouped(d.recvWinMin)}–${grouped(d.recvWinMax)} bytes)`;
      parts.push(`in flight reached the ${w} in ${framesText(rs)}`);
    }
    if (d.zeroWin.count > 0) parts.push(`${plural(d.zeroWin.count, "zero-window stall")}, ${duration(zNs)} (${framesText(span(d.zeroWin))})`);
    const problem = share.receiver >= RECEIVER_PROBLEM_SHARE || d.zeroWin.count > 0;
    claims.push({ id: "receiver-limited", kind: problem ? "problem" : "note", frames: rs,
      text: `receiver-limited ${percent(share.receiver)} of the time (${duration(timeNs.receiver)}): ${parts.join("; ") || "window closed"}`,
      values: { ns: timeNs.receiver, share: share.receiver, windowMin: d.recvWinMin, windowMax: d.recvWinMax, zeroWindowStalls: d.zeroWin.count, zeroWindowNs: zNs } });
  }
  // Network: losses, RTO stalls, a flat rate.
  if (d.rexmt.count > 0) {
    claims.push({ id: "loss", kind: "problem", frames: span(d.rexmt),
      text: `loss: ${plural(d.rexmt.count, "retransmission")} of ${grouped(d.dataPkts)} data segments (${(rexRate * 100).toFixed(1)} %, ${grouped(d.rexmtBytes)} bytes; ${grouped(d.rexmtFast)} fast) in ${framesText(span(d.rexmt))}`,
      values: { retransmissions: d.rexmt.count, fast: d.rexmtFast, bytes: d.rexmtBytes, dataSegments: d.dataPkts, rate: rexRate } });
  }
  if (d.rto.count > 0) {
    claims.push({ id: "rto-stall", kind: "problem", frames: span(d.rto),
      text: `${plural(d.rto.count, "RTO stall")}: ${duration(d.rtoNs)} waiting for retransmission timeouts (longest ${duration(d.rtoMaxNs)}), ended in ${framesText(span(d.rto))}`,
      values: { stalls: d.rto.count, ns: d.rtoNs, maxNs: d.rtoMaxNs } });
  }
  if (timeNs.network > 0 && (share.network >= MENTION_SHARE || limitedBy === "network")) {
    const ns = span(d.classFrames[C_NET]!);
    let text = `network-limited ${percent(share.network)} of the time (${duration(timeNs.network)}): data in flight below the window`;
    const values: Record<string, number | string> = { ns: timeNs.network, share: share.network };
    if (rf !== undefined && rf.flat && limitedBy === "network") {
      text += `; the rate stays flat at ${rate(rf.steadyBps)} of data (${rate(rf.steadyWireBps)} on the wire; median of ${RATE_BINS - 1} bins of ${duration(rf.binNs)}, average ${rate(rf.goodputBps)}): a bottleneck on the path`;
      values.steadyBps = rf.steadyBps; values.steadyWireBps = rf.steadyWireBps;
      claims.push({ id: "bottleneck", kind: "note", frames: ns, text, values });
    } else {
      claims.push({ id: "network-limited", kind: "note", frames: ns, text: text + " (the congestion window or the path set the pace)", values });
    }
  }
  if (timeNs.application > 0 && share.application >= MENTION_SHARE) {
    claims.push({ id: "application-limited", kind: "note", frames: span(d.classFrames[C_APP]!),
      text: `application-limited ${percent(share.application)} of the time (${duration(timeNs.application)}): nothing in flight, or all it had sent (short segments)`,
      values: { ns: timeNs.application, share: share.application } });
  }
  if (rf !== undefined) {
    claims.push({ id: "rate", kind: "note", text: `${rate(rf.goodputBps)} of data acknowledged on average (${rate(rf.wireBps)} on the wire)`,
      values: { goodputBps: rf.goodputBps, wireBps: rf.wireBps } });
  }
  return out;
}

function connDiagnosis(c: DoctorConn): ConnDiagnosis {
  const dirs = [directionDiagnosis(c, c.a, "a"), directionDiagnosis(c, c.b, "b")];
  const claims: DoctorClaim[] = [];
  if (c.synRexmt > 0) {
    claims.push({ id: "syn-retransmitted", kind: "problem", text: `the SYN was sent ${plural(c.synRexmt + 1, "time")}: the handshake took ${duration(c.handshakeNs)}`,
      values: { synCopies: c.synRexmt + 1, handshakeNs: c.handshakeNs } });
  }
  if (c.resets > 0) claims.push({ id: "reset", kind: "note", text: `ended by a reset (${plural(c.resets, "RST")})`, values: { resets: c.resets } });
  const rtoNs = c.a.rtoNs + c.b.rtoNs;
  const zw = dirs[0]!.zeroWindow.ns + dirs[1]!.zeroWindow.ns;
  const where: string[] = [];
  if (c.sawSyn) where.push(`handshake ${duration(c.handshakeNs)}${c.handshakeDone ? "" : " (not completed)"}`);
  if (rtoNs > 0) where.push(`RTO waits ${duration(rtoNs)}`);
  if (zw > 0) where.push(`zero-window stalls ${duration(zw)}`);
  if (c.idleNs > 0) where.push(`idle ${duration(c.idleNs)} (longest ${duration(c.idleMaxNs)}, frames ${c.idleMaxFrom}–${c.idleMaxTo})`);
  claims.push({ id: "time", kind: "note", text: `where the time went (${duration(c.lastNs)} in all): ${where.join(", ") || "all of it moving data"}`,
    values: { durationNs: c.lastNs, handshakeNs: c.handshakeNs, rtoNs, zeroWindowNs: zw, idleNs: c.idleNs, idleMaxNs: c.idleMaxNs } });
  const ok = !claims.some((x) => x.kind === "problem") && !dirs.some((d) => d.claims.some((x) => x.kind === "problem"));
  let badNs = rtoNs + zw + c.synRexmt * 1e9;
  for (const d of dirs) badNs += d.timeNs.receiver + (d.retransmissions.packets > 0 ? d.timeNs.network : 0);
  const problems = [...claims, ...dirs.flatMap((d) => d.claims)].filter((x) => x.kind === "problem").map((x) => x.id);
  const headline = ok ? `nothing wrong: ${dirs.map((d) => d.dataBytes === 0 ? `${d.role} no data` : `${d.role} ${d.limitedBy === "mixed" ? "limited by no one thing" : `${d.limitedBy}-limited`}`).join(", ")}`
    : [...new Set(problems)].join(", ");
  return {
    stream: c.stream, a: c.a.from, b: c.b.from, packets: c.packets, frames: [c.firstFrame, c.lastFrame], durationNs: c.lastNs,
    handshakeNs: c.handshakeNs, idleNs: c.idleNs, ok, badNs, headline, directions: dirs, claims,
  };
}

/** Capture artefacts summed over the connections. */
function artefacts(conns: readonly DoctorConn[]): DoctorClaim[] {
  let dup = 0, dupRex = 0, dupF = 0, dupL = 0, tso = 0, tsoMax = 0, tsoF = 0, tsoL = 0, mss = 0;
  let miss = 0, missB = 0, missF = 0, missL = 0, tr = 0, trB = 0, trF = 0, trL = 0;
  const lo = (a: number, b: number): number => (a === 0 || (b !== 0 && b < a) ? b : a);
  for (const c of conns) {
    for (const d of [c.a, c.b]) {
      if (d.dups.count > 0) { dup += d.dups.count; dupRex += d.dupsFlaggedRexmt; dupF = lo(dupF, d.dups.first); dupL = Math.max(dupL, d.dups.last); }
      if (d.tso.count > 0) { tso += d.tso.count; tsoMax = Math.max(tsoMax, d.tsoMax); mss = d.peerMss; tsoF = lo(tsoF, d.tso.first); tsoL = Math.max(tsoL, d.tso.last); }
      if (d.missed.count > 0) { miss += d.missed.count; missB += d.missedBytes; missF = lo(missF, d.missed.first); missL = Math.max(missL, d.missed.last); }
      if (d.truncated.count > 0) { tr += d.truncated.count; trB += d.truncatedBytes; trF = lo(trF, d.truncated.first); trL = Math.max(trL, d.truncated.last); }
    }
  }
  const out: DoctorClaim[] = [];
  if (dup > 0) {
    out.push({ id: "captured-twice", kind: "artefact", frames: [dupF, dupL],
      text: `${plural(dup, "packet was", "packets were")} captured twice (same IPv4 ID, header and checksum, ≤ ${duration(DUP_CAPTURE_NS)} apart) in frames ${dupF}–${dupL}; tshark takes ${grouped(dupRex)} of them for retransmissions: they are the capture's, not the network's (left out here)`,
      values: { packets: dup, flaggedRetransmission: dupRex } });
  }
  if (tso > 0) {
    out.push({ id: "tso", kind: "artefact", frames: [tsoF, tsoL],
      text: `${plural(tso, "segment")} larger than the MSS (up to ${grouped(tsoMax)} bytes, MSS ${grouped(mss)}) in frames ${tsoF}–${tsoL}: the capture was taken on the sender with TSO/GSO on, before the NIC cut them`,
      values: { segments: tso, maxBytes: tsoMax, mss } });
  }
  if (miss > 0) {
    out.push({ id: "missing-data", kind: "artefact", frames: [missF, missL],
      text: `${grouped(missB)} bytes were acknowledged but never captured (${plural(miss, "ACK")}, frames ${missF}–${missL}): the capture dropped packets or began late; "lost segment" there is the capture's`,
      values: { bytes: missB, acks: miss } });
  }
  if (tr > 0) {
    out.push({ id: "snaplen", kind: "artefact", frames: [trF, trL],
      text: `${plural(tr, "segment")} cut by the snaplen (${grouped(trB)} payload bytes not in the capture), frames ${trF}–${trL}`,
      values: { segments: tr, bytes: trB } });
  }
  return out;
}

/** The diagnosis of everything the collector saw, worst connections first. */
export function diagnose(col: DoctorCollector): CaptureDiagnosis {
  const live = col.conns.filter((c): c is DoctorConn => c !== undefined);
  const conns = live.map(connDiagnosis);
  conns.sort((x, y) => (y.badNs - x.badNs) || (Number(x.ok) - Number(y.ok)) || (x.stream - y.stream));
  const arts = artefacts(live);
  const bad = conns.filter((c) => !c.ok).length;
  const ok = bad === 0;
  let summary: string;
  if (conns.length === 0) summary = "no TCP connections";
  else if (ok && arts.length === 0) summary = `nothing wrong: ${plural(conns.length, "TCP connection")}, no losses, stalls or receiver limits${conns.length === 1 ? ` (${conns[0]!.headline.replace(/^nothing wrong: /, "")})` : ""}`;
  else if (bad === 0) summary = `no problems in ${plural(conns.length, "TCP connection")}, but the capture itself misleads: ${arts.map((x) => x.id).join(", ")}`;
  else summary = `${grouped(bad)} of ${plural(conns.length, "TCP connection")} with problems${arts.length > 0 ? `; the capture itself misleads: ${arts.map((x) => x.id).join(", ")}` : ""}`;
  return { streams: col.streams, ok: ok && arts.length === 0, summary, artefacts: arts, connections: conns };
}

/** Names the RTO threshold for docs and tests. */
export const DOCTOR_THRESHOLDS = { RTO_STALL_MIN_NS, DUP_CAPTURE_NS, RECEIVER_PROBLEM_SHARE, RATE_BINS, FLAT_TOLERANCE, LIMITED_BY_SHARE } as const;
