/**
 * The handoff-time trend: one point per handoff, with the target line.
 * Drawn with uPlot (served from the installed npm package, loaded as the
 * global `uPlot` by a classic script before this module runs).
 *
 * @module
 */

const MAX_POINTS = 500;

/** A chart of handoff times against handoff number. */
export class TrendChart {
  #plot;
  #numbers = [];
  #timesMs = [];
  #targets = [];
  #failures = [];
  #next = 1;
  #targetMs;

  /**
   * @param {HTMLElement} element where the chart goes
   * @param {number} targetMs the handoff budget drawn as a line
   */
  constructor(element, targetMs) {
    this.#targetMs = targetMs;
    const uPlot = globalThis.uPlot;
    this.#plot = new uPlot(
      {
        width: Math.max(320, element.clientWidth),
        height: 260,
        scales: { x: { time: false } },
        axes: [
          { label: "handoff" },
          { label: "ms" },
        ],
        series: [
          { label: "handoff" },
          {
            label: "time (ms)",
            stroke: "#1570ef",
            width: 2,
            points: { show: true },
          },
          {
            label: "failed (ms)",
            stroke: "#b42318",
            width: 0,
            points: { show: true, size: 8 },
          },
          {
            label: `target ${targetMs} ms`,
            stroke: "#b54708",
            dash: [6, 4],
            width: 1.5,
            points: { show: false },
          },
        ],
      },
      [[], [], [], []],
      element,
    );
    new ResizeObserver(() => {
      this.#plot.setSize({
        width: Math.max(320, element.clientWidth),
        height: 260,
      });
    }).observe(element);
  }

  /**
   * Adds handoffs, oldest first.
   *
   * @param {{elapsed_ms: number, success: boolean}[]} results
   */
  add(results) {
    for (const result of results) {
      this.#numbers.push(this.#next++);
      this.#timesMs.push(result.success ? result.elapsed_ms : null);
      this.#failures.push(result.success ? null : result.elapsed_ms);
      this.#targets.push(this.#targetMs);
    }
    const excess = this.#numbers.length - MAX_POINTS;
    if (excess > 0) {
      for (
        const list of [
          this.#numbers,
          this.#timesMs,
          this.#failures,
          this.#targets,
        ]
      ) {
        list.splice(0, excess);
      }
    }
    this.#plot.setData([
      this.#numbers,
      this.#timesMs,
      this.#failures,
      this.#targets,
    ]);
  }

  /** Number of points drawn. */
  get size() {
    return this.#numbers.length;
  }
}
