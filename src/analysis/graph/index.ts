/** Time series of one TCP stream (issue 17): the stream's segments as columns (`StreamSeries`,
 *  `collectStreamSeries`), graph models of one direction (`graphModel`: tseq, stevens,
 *  throughput, rtt, inflight, window) and their aggregation per pixel column. Core: no node:*. */
export { type StreamDir, type StreamSeries, type StreamSeriesCollection, StreamSeriesBuilder, collectStreamSeries, SERIES_ANALYSIS_OPTIONS } from "./stream-series.js";
export {
  type GraphType, type GraphModel, type GraphSeries, type GraphOptions, type SeriesKind, type YUnit,
  GRAPH_TYPES, graphModel, defaultThroughputWindowNs,
} from "./models.js";
export { aggregateGraph, aggregateSeries, columnOf } from "./aggregate.js";
