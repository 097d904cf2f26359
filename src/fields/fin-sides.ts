/** "This frame initiates / undergoes the connection closing" (spec §12.2): tshark 4.0 keeps, per
 *  TCP stream, which side has sent an initiating FIN. A FIN undergoes the close when the other
 *  side's FIN came first; otherwise it initiates it and marks its own side (so a retransmitted
 *  first FIN initiates again). Sides are told apart by the stream's first packet: side A is its
 *  source port and address hash. Three small arrays that grow with the number of streams. */
export class FinSides {
  #portA = new Int32Array(256);
  #hashA = new Uint32Array(256);
  #fin = new Uint8Array(256);
  #count = 0;

  /** A TCP header of stream `k` from `srcPort` / `srcHash` (IpLayer.srcHash): the first one seen
   *  names side A (streams are numbered in order, so each is first seen once). */
  seen(k: number, srcPort: number, srcHash: number): void {
    if (k < this.#count) return;
    if (k >= this.#portA.length) {
      let n = this.#portA.length * 2;
      while (n <= k) n *= 2;
      const portA = new Int32Array(n), hashA = new Uint32Array(n), fin = new Uint8Array(n);
      portA.set(this.#portA); hashA.set(this.#hashA); fin.set(this.#fin);
      this.#portA = portA; this.#hashA = hashA; this.#fin = fin;
    }
    this.#portA[k] = srcPort; this.#hashA[k] = srcHash; this.#fin[k] = 0;
    this.#count = k + 1;
  }

  /** A FIN on stream `k` (seen before) from `srcPort` / `srcHash`: true when it undergoes the
   *  close (the other side's initiating FIN came first); false when it initiates it. */
  fin(k: number, srcPort: number, srcHash: number): boolean {
    if (k >= this.#count) return false;
    const fromA = this.#portA[k] === srcPort && this.#hashA[k] === srcHash;
    const mine = fromA ? 1 : 2, theirs = fromA ? 2 : 1;
    const passive = (this.#fin[k]! & theirs) !== 0;
    if (!passive) this.#fin[k] = this.#fin[k]! | mine;
    return passive;
  }
}
