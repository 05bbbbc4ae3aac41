// uPlot charts in the dark theme, sized to their container (served locally: no CDN).
import uPlot from '/assets/vendor/uPlot.esm.js';

export { uPlot };

const AXIS = { stroke: '#8a94a3', grid: { stroke: '#262c35', width: 1 }, ticks: { stroke: '#262c35', width: 1 } };
export const COLORS = ['#4aa3ff', '#f5a623', '#2ecc71', '#ff5c5c', '#b58cff', '#3fd0c9', '#ff8fc8', '#c8d45a'];

/**
 * Creates a uPlot chart in `el` with a time x axis (seconds) and the given series (after x); it
 * follows the container's width. Returns the uPlot instance; `destroy()` also stops the resize watch.
 */
export function chart(el, { series, height = 220, data, plugins = [], sync, yLabel, bands } = {}) {
  const opts = {
    width: Math.max(200, el.clientWidth || 600),
    height,
    plugins,
    legend: { show: true, live: true },
    cursor: sync ? { sync: { key: sync } } : {},
    scales: { x: { time: true } },
    axes: [{ ...AXIS }, { ...AXIS, size: 60, ...(yLabel ? { label: yLabel } : {}) }],
    series: [{}, ...series],
    ...(bands ? { bands } : {}),
  };
  const u = new uPlot(opts, data ?? [[], ...series.map(() => [])], el);
  const ro = new ResizeObserver(() => {
    const w = Math.max(200, el.clientWidth);
    if (w !== u.width) u.setSize({ width: w, height });
  });
  ro.observe(el);
  const destroy = u.destroy.bind(u);
  u.destroy = () => {
    ro.disconnect();
    destroy();
  };
  return u;
}

/** A plugin drawing OHLC candles from series 1..4 (open, high, low, close) and hiding their lines. */
export function candlePlugin() {
  return {
    hooks: {
      draw: [
        (u) => {
          const [xs, o, h, l, c] = u.data;
          if (!xs?.length) return;
          const ctx = u.ctx;
          const step = xs.length > 1 ? Math.abs(u.valToPos(xs[1], 'x', true) - u.valToPos(xs[0], 'x', true)) : 10;
          const w = Math.max(1, Math.min(14, step * 0.7));
          ctx.save();
          for (let i = 0; i < xs.length; i++) {
            if (o[i] == null) continue;
            const x = u.valToPos(xs[i], 'x', true);
            const up = c[i] >= o[i];
            ctx.strokeStyle = ctx.fillStyle = up ? '#2ecc71' : '#ff5c5c';
            ctx.beginPath();
            ctx.moveTo(Math.round(x) + 0.5, u.valToPos(h[i], 'y', true));
            ctx.lineTo(Math.round(x) + 0.5, u.valToPos(l[i], 'y', true));
            ctx.stroke();
            const yo = u.valToPos(o[i], 'y', true);
            const yc = u.valToPos(c[i], 'y', true);
            ctx.fillRect(x - w / 2, Math.min(yo, yc), w, Math.max(1, Math.abs(yc - yo)));
          }
          ctx.restore();
        },
      ],
    },
  };
}
