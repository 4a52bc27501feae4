import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  readonly label: string;
  readonly color: string;
  readonly values: ReadonlyArray<number | null>;
}

/** A small uPlot line chart of a few series over time (seconds since the epoch on the x axis). */
export function Sparkline(props: { readonly times: readonly number[]; readonly series: readonly Series[]; readonly format: (value: number) => string }) {
  const host = useRef<HTMLDivElement>(null);
  const chart = useRef<uPlot | null>(null);
  const data = [props.times.map((t) => t / 1000), ...props.series.map((s) => [...s.values])] as uPlot.AlignedData;

  useEffect(() => {
    const element = host.current;
    if (element === null) return undefined;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height: 120,
      legend: { show: true, live: false },
      cursor: { show: false },
      scales: { x: { time: true } },
      axes: [
        {
          stroke: '#6b7280',
          grid: { show: false },
          ticks: { show: false },
          size: 24,
          space: 70,
          values: (_u, ticks) => ticks.map((t) => new Date(t * 1000).toLocaleTimeString('en-GB', { hour12: false })),
        },
        { stroke: '#6b7280', grid: { stroke: '#eef0f3' }, size: 56, values: (_u, ticks) => ticks.map((t) => props.format(t)) },
      ],
      series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, points: { show: false }, spanGaps: false }))],
    };
    const created = new uPlot(options, data, element);
    chart.current = created;
    const resize = new ResizeObserver(() => created.setSize({ width: Math.max(200, element.clientWidth), height: 120 }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      created.destroy();
      chart.current = null;
    };
    // The chart is made once; data changes go through setData below.
  }, []);

  useEffect(() => {
    chart.current?.setData(data);
  });

  return <div class="sparkline" ref={host} />;
}
