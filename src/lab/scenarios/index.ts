/** Every scenario of `synack lab`, in the order `synack lab list` shows them. */
import type { Scenario } from "../scenario.js";
import { closedPort, handshakeEcho, simultaneousOpen, synLost } from "./connect.js";
import { dataLost, noSackLoss, randomLoss, reordering, sackLoss } from "./loss.js";
import { bottleneck, nagle, noWindowScaling, zeroWindow } from "./flow.js";
import { duplicated, mssClamp } from "./path.js";
import { halfClose, keepAlive, rstMidStream, simultaneousClose, timeWait } from "./close.js";

export const SCENARIOS: readonly Scenario[] = [
  handshakeEcho, closedPort, synLost, dataLost, sackLoss, noSackLoss, reordering, randomLoss, zeroWindow,
  rstMidStream, halfClose, simultaneousClose, simultaneousOpen, keepAlive, timeWait, nagle, noWindowScaling, bottleneck,
  duplicated, mssClamp,
];

/** The scenario called `name`, or undefined. */
export function scenarioByName(name: string): Scenario | undefined {
  return SCENARIOS.find((s) => s.name === name);
}
